document.querySelectorAll(".gets-kept").forEach((element) => element.classList.add("scripted-keep"));
