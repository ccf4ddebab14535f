window.order.push("second:" + document.currentScript.dataset.flavour);
