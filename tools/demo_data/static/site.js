// watchdesk demo site: show the cookie banner once, toggle the menu. No tracking.
document.addEventListener("DOMContentLoaded", function () {
  var banner = document.getElementById("cookie-consent");
  if (banner && !localStorage.getItem("demo-consent")) {
    banner.hidden = false;
    banner.addEventListener("click", function (ev) {
      if (ev.target.tagName === "BUTTON") {
        localStorage.setItem("demo-consent", "1");
        banner.hidden = true;
      }
    });
  }
  var burger = document.querySelector(".burger");
  if (burger) {
    burger.addEventListener("click", function () {
      var open = burger.getAttribute("aria-expanded") === "true";
      burger.setAttribute("aria-expanded", String(!open));
      document.body.classList.toggle("menu-open", !open);
    });
  }
});
