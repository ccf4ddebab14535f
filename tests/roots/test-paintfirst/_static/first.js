window.order = window.order || [];
// Set by the page's inline script in the first frame: true when this runs after that frame.
window.framedBeforeFirstScript = window.framed === true;
window.order.push("first");
// A listener of the page's own, there before Bootstrap: it must see a held click once, not twice.
document.addEventListener("click", (event) => {
  if (event.target.closest("#toggle")) window.toggleClicksSeen = (window.toggleClicksSeen || 0) + 1;
});
