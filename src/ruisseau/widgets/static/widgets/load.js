/* Ruisseau button loader: turns placeholders into iframe buttons.
 *
 * Understands the original Flattr markup (<a class="FlattrButton"> with rel/rev "flattr;k:v;"
 * or data-flattr-* attributes, loader options in this script's query string) and Ruisseau's
 * own (<span class="ruisseau-button" data-url=… data-uid=…>). Defines one global, FlattrLoader,
 * and never lets an exception escape into the host page. No dependencies, no cookies.
 */
(function (window, document) {
  "use strict";
  if (window.FlattrLoader && window.FlattrLoader.ruisseau) { return; }
  // "sig" signs url and uid with the site's secret (docs/integrations.md §4): passed on untouched.
  var KEYS = ["uid", "owner", "sig", "category", "button", "language", "hidden", "tags", "title", "url",
              "description", "revsharekey", "popout", "theme"];
  var SIZES = {standard: [55, 62], compact: [110, 20]};
  var options = {}, base = "", prefix = "data-flattr", done = false;

  function safe(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) {
        if (window.console && window.console.warn) { window.console.warn("Ruisseau button:", e); }
      }
    };
  }
  function trim(text) { return String(text == null ? "" : text).replace(/\s+/g, " ").replace(/^ | $/g, ""); }
  function stripTags(html) {
    var text = String(html || "").replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, "");
    var box = document.createElement("textarea");
    box.innerHTML = text;  // decodes entities without running anything (textarea is inert)
    return box.value.split("\n").map(trim).join("\n").replace(/^\n+|\n+$/g, "").slice(0, 1000);
  }
  function absolute(url) {
    var a = document.createElement("a");
    a.href = url;
    return a.href;
  }
  function findSelf() {
    var scripts = document.getElementsByTagName("script"), i, src, m;
    var current = document.currentScript ? [document.currentScript] : [];
    for (i = 0; i < scripts.length; i++) { current.push(scripts[i]); }
    for (i = 0; i < current.length; i++) {
      src = current[i].src || "";
      m = src.match(/^(https?:\/\/[^\/]+)\/js\/(?:0\.[56]\/)?load\.js(?:\?([^#]*))?/);
      if (m) { return {script: current[i], origin: m[1], query: m[2] || ""}; }
    }
    return null;
  }
  function parseQuery(query) {
    var out = {}, parts = query.split("&"), i, kv;
    for (i = 0; i < parts.length; i++) {
      if (!parts[i]) { continue; }
      kv = parts[i].split("=");
      try { out[decodeURIComponent(kv[0])] = decodeURIComponent((kv[1] || "").replace(/\+/g, " ")); } catch (e) {}
    }
    return out;
  }
  function parseRel(value) {
    // "flattr;uid:alice;tags:a,b;" — only the first ":" splits, so values may contain ":".
    var out = {}, parts = String(value).split(";"), i, at;
    if (trim(parts[0]) !== "flattr") { return null; }
    for (i = 1; i < parts.length; i++) {
      at = parts[i].indexOf(":");
      if (at > 0) { out[trim(parts[i].slice(0, at))] = trim(parts[i].slice(at + 1)); }
    }
    return out;
  }
  function pageAuthor() {
    var metas = document.getElementsByTagName("meta"), i, name;
    for (i = 0; i < metas.length; i++) {
      name = (metas[i].getAttribute("name") || "").toLowerCase();
      if (name === "ruisseau:author" || name === "ruisseau:owner") { return trim(metas[i].getAttribute("content")); }
    }
    return "";
  }
  function defaults() {
    var out = {}, i;
    for (i = 0; i < KEYS.length; i++) {
      if (options[KEYS[i]] && KEYS[i] !== "sig") { out[KEYS[i]] = options[KEYS[i]]; }  // a signature is per page
    }
    return out;
  }
  function fromFlattrMarkup(el) {
    var params = defaults(), extra = parseRel(el.getAttribute("rev") || "") || parseRel(el.getAttribute("rel") || ""), k, i, attr;
    if (el.getAttribute("href")) { params.url = absolute(el.getAttribute("href")); }
    if (el.getAttribute("title")) { params.title = el.getAttribute("title"); }
    if (el.getAttribute("lang")) { params.language = el.getAttribute("lang"); }
    if (trim(el.innerHTML)) { params.description = el.innerHTML; }
    if (!extra) {
      extra = {};
      for (i = 0; i < KEYS.length; i++) {
        attr = el.getAttribute(prefix + "-" + KEYS[i]);
        if (attr !== null) { extra[KEYS[i]] = attr; }
      }
    }
    for (k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { params[k] = extra[k]; } }
    return params;
  }
  function fromRuisseauMarkup(el) {
    var params = defaults(), i, value;
    for (i = 0; i < KEYS.length; i++) {
      value = el.getAttribute("data-" + KEYS[i]);
      if (value !== null) { params[KEYS[i]] = value; }
    }
    if (!params.url) {
      var canonical = document.querySelector("link[rel=canonical]");
      params.url = canonical ? canonical.href : window.location.href.split("#")[0];
    } else { params.url = absolute(params.url); }
    if (!params.title && !el.hasAttribute("data-url")) { params.title = document.title; }
    return params;
  }
  function buildSrc(params) {
    var query = [], k, value;
    if (params.owner && !params.uid) { params.uid = params.owner; }
    if (!params.uid) { params.uid = pageAuthor(); }
    for (k in params) {
      if (!Object.prototype.hasOwnProperty.call(params, k) || KEYS.indexOf(k) < 0) { continue; }
      value = (k === "description" || k === "title") ? stripTags(params[k]) : trim(params[k]);
      if (value !== "") { query.push(encodeURIComponent(k) + "=" + encodeURIComponent(value)); }
    }
    return base + "/button/view/?" + query.join("&");
  }
  function makeFrame(params) {
    var size = params.button === "compact" ? SIZES.compact : SIZES.standard;
    var frame = document.createElement("iframe");
    frame.className = "FlattrButton ruisseau-frame";
    frame.src = buildSrc(params);
    frame.width = String(size[0]);
    frame.height = String(size[1]);
    frame.title = "Flattr";
    frame.setAttribute("frameborder", "0");
    frame.setAttribute("scrolling", "no");
    frame.setAttribute("loading", "lazy");
    frame.style.cssText = "border:0;overflow:hidden;background:transparent;vertical-align:middle;width:" +
      size[0] + "px;height:" + size[1] + "px";
    return frame;
  }
  function place(frame, target, position) {
    if (position === "before") { target.parentNode.insertBefore(frame, target); }
    else if (position === "replace") { target.parentNode.replaceChild(frame, target); }
    else { target.appendChild(frame); }
  }
  function legacyGlobals() {
    var map = {flattr_uid: "uid", flattr_url: "url", flattr_btn: "button", flattr_hide: "hidden",
               flattr_cat: "category", flattr_tag: "tags", flattr_lng: "language", flattr_tle: "title",
               flattr_dsc: "description"}, out = {}, k;
    for (k in map) { if (typeof window[k] !== "undefined") { out[map[k]] = String(window[k]); } }
    if (out.hidden === "true") { out.hidden = "1"; }
    if (out.button === "compact" || out.button === "default") { /* kept */ } else { delete out.button; }
    return out;
  }
  function collect(root) {
    var found = [], all = (root || document).getElementsByTagName("*"), i, cls;
    for (i = 0; i < all.length; i++) {
      cls = " " + (all[i].className && all[i].className.baseVal === undefined ? all[i].className : "") + " ";
      if (all[i].tagName !== "IFRAME" && (cls.indexOf(" FlattrButton ") >= 0 || cls.indexOf(" ruisseau-button ") >= 0)) {
        found.push(all[i]);
      }
    }
    return found;
  }
  function isOriginal(el) { return (" " + el.className + " ").indexOf(" FlattrButton ") >= 0; }
  function setupSome(onlyOurs) {
    var elements = collect(document), i, el, params;
    for (i = 0; i < elements.length; i++) {
      el = elements[i];
      if (el.getAttribute("data-ruisseau-done") || (onlyOurs && isOriginal(el))) { continue; }
      el.setAttribute("data-ruisseau-done", "1");
      try {
        params = isOriginal(el) ? fromFlattrMarkup(el) : fromRuisseauMarkup(el);
        if (params.url) { place(makeFrame(params), el, "replace"); }
      } catch (e) { /* skip this one, keep the others */ }
    }
  }
  var setup = safe(function () { setupSome(false); });
  var render = safe(function (params, target, position) {
    params = params || legacyGlobals();
    var merged = defaults(), k;
    for (k in params) { if (Object.prototype.hasOwnProperty.call(params, k)) { merged[k] = params[k]; } }
    if (!merged.url) { merged.url = window.location.href.split("#")[0]; }
    if (typeof target === "string") { target = document.getElementById(target); }
    if (!target) { return; }
    place(makeFrame(merged), target, position || "append");
  });
  var addLoadEvent = safe(function (fn) {
    if (document.readyState === "complete") { safe(fn)(); }
    else { window.addEventListener("load", safe(fn)); }
  });
  var start = safe(function () {
    if (done) { return; }
    done = true;
    var mode = options.mode || "manual";
    // Our own markup needs no mode; the original markup waits for FlattrLoader.setup() in manual mode.
    setupSome(!(mode === "auto" || mode === "automatic"));
  });

  safe(function () {
    var self = findSelf();
    if (self) {
      base = self.origin;
      options = parseQuery(self.query);
      if (options.https === "1") { base = base.replace(/^http:/, "https:"); }
      if (options["html5-key-prefix"] && /^data-/.test(options["html5-key-prefix"])) { prefix = options["html5-key-prefix"]; }
      if (options.mode === "direct" && self.script.parentNode) {
        var holder = document.createElement("span");
        self.script.parentNode.insertBefore(holder, self.script);
        render({url: options.url || window.location.href.split("#")[0]}, holder, "append");
      }
    }
    window.FlattrLoader = {ruisseau: true, setup: setup, render: render, addLoadEvent: addLoadEvent,
                           options: options};
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
    else { start(); }
  })();
})(window, document);
