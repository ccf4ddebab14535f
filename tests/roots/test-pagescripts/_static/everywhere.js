document.documentElement.dataset.everywhere = "ran";
