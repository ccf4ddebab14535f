window.order = window.order || [];
// Set by the page's inline script in the first frame: true when this runs after that frame.
window.framedBeforeFirstScript = window.framed === true;
window.order.push("first");
