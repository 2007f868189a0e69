// @ts-check
// Loaded synchronously in <head>: mark the page as scripted before it is first drawn.
document.documentElement.classList.replace("no-js", "js");
