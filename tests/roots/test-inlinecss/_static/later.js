document.body.classList.add("added-later");
