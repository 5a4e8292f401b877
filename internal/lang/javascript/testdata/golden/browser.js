function onLoad(event) {
  document.title = event.type;
}
window.addEventListener("load", onLoad);
