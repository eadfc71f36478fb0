// After a client-side page change, move keyboard focus to the new page's heading (h1 in main),
// as a full page load would put a screen reader at the top. Focus the page put on purpose
// (an autofocus field) is left alone.
(function () {
  if (window.__leeridFocusHeading) return;
  window.__leeridFocusHeading = true;
  var lastPath = window.location.pathname;

  function focusHeadingSoon(previous) {
    var tries = 0;
    var timer = window.setInterval(function () {
      tries += 1;
      var active = document.activeElement;
      if (active && active !== document.body && active.matches("main input, main textarea")) {
        window.clearInterval(timer);
        return;
      }
      var heading = document.querySelector("main h1");
      var fresh = heading && heading !== previous.element;
      var ready = heading && heading.textContent.trim() !== "";
      if ((fresh && ready) || (heading && tries > 20)) {
        window.clearInterval(timer);
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus();
      } else if (tries > 100) {
        window.clearInterval(timer);
      }
    }, 50);
  }

  function changed() {
    if (window.location.pathname === lastPath) return;
    lastPath = window.location.pathname;
    focusHeadingSoon({ element: document.querySelector("main h1") });
  }

  // For the server: focus an element once it is rendered (a result that replaced the button
  // that was clicked would otherwise leave focus on the body).
  window.leeridFocus = function (id) {
    var tries = 0;
    var timer = window.setInterval(function () {
      var element = document.getElementById(id);
      // A closing menu gives focus back to its button when it unmounts: wait until it is gone.
      var menuOpen = document.querySelector('[role="menu"]');
      tries += 1;
      if ((element && !menuOpen) || tries > 100) {
        window.clearInterval(timer);
        if (!element) return;
        if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
        window.setTimeout(function () {
          element.focus();
        }, 60);
      }
    }, 50);
  };

  // The skip link: straight to main, without the router turning it into a page change.
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a.skip-link");
      var main = document.querySelector("main");
      if (!link || !main) return;
      event.preventDefault();
      if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
      main.focus();
      main.scrollIntoView();
    },
    true
  );

  ["pushState", "replaceState"].forEach(function (name) {
    var original = window.history[name];
    window.history[name] = function () {
      var result = original.apply(this, arguments);
      changed();
      return result;
    };
  });
  window.addEventListener("popstate", changed);
})();
