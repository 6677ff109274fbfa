"""What the entry points (web, API, command line) share: translations, the label and error-message
tables, problem documents, compliance filters and exports, the printable report."""
