// "返回上一页" on message pages: the browser's back, as a file (the CSP allows no inline or javascript: code).
document.addEventListener("DOMContentLoaded", () => {
  const back = document.getElementById("back");
  if (back) {
    back.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
  }
});
