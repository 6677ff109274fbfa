// The day board's "Print" link: print the page (inline scripts are not allowed by the CSP).
// Without JavaScript the link just reloads the board, which the browser can print as usual.
document.querySelectorAll("[data-print]").forEach((link) => {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
});
