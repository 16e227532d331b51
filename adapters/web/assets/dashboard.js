// DeepClaw dashboard: the little the pages need from JavaScript, none of it required to read them.
// - relative times ("3 min ago") stay current;
// - on pages with data-live, a server-sent event "changed" makes the page fetch itself again and
//   swap its [data-live] parts in place (the stream carries no data; the fetch is scoped by the
//   session like any page view).
'use strict';
(function () {
  function human(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s';
    var m = Math.round(s / 60);
    if (m < 60) return m + ' min';
    var h = Math.floor(m / 60);
    if (h < 48) return m % 60 ? h + ' h ' + (m % 60) + ' min' : h + ' h';
    var d = Math.floor(h / 24);
    return h % 24 ? d + ' d ' + (h % 24) + ' h' : d + ' d';
  }

  function refreshTimes() {
    var now = Date.now();
    var times = document.querySelectorAll('time[data-relative]');
    for (var i = 0; i < times.length; i++) {
      var at = Date.parse(times[i].getAttribute('datetime'));
      if (isNaN(at)) continue;
      var ms = now - at;
      times[i].textContent = ms >= -1000 ? human(ms) + ' ago' : 'in ' + human(-ms);
    }
  }
  setInterval(refreshTimes, 1000);

  var source = document.body.getAttribute('data-live');
  if (!source || !window.EventSource || !window.fetch || !window.DOMParser) return;

  var loading = false;
  var again = false;
  function reload() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) {
        // Signed out or revoked meanwhile: show what a fresh load shows.
        if (response.status === 401 || response.redirected) {
          location.reload();
          return;
        }
        if (!response.ok) return;
        return response.text().then(function (text) {
          var fresh = new DOMParser().parseFromString(text, 'text/html');
          var parts = fresh.querySelectorAll('[data-live][id]');
          for (var i = 0; i < parts.length; i++) {
            var current = document.getElementById(parts[i].id);
            if (current) current.replaceWith(document.importNode(parts[i], true));
          }
          refreshTimes();
          document.dispatchEvent(new CustomEvent('deepclaw:updated'));
        });
      })
      .catch(function () {})
      .then(function () {
        loading = false;
        if (again) {
          again = false;
          reload();
        }
      });
  }

  var events = new EventSource(source);
  var dropped = false;
  events.addEventListener('changed', reload);
  events.addEventListener('error', function () {
    dropped = true;
  });
  events.addEventListener('open', function () {
    // Anything may have changed while the stream was down.
    if (dropped) reload();
    dropped = false;
  });
})();
