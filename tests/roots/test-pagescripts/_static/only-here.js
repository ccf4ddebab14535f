document.documentElement.dataset.onlyHere = "ran";
