"""Benchmarks of issue #5 (programs, not tests): run them with `make bench` or one by one."""
