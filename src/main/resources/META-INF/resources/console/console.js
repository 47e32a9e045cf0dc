// The console's own script (no inline script anywhere: the pages' CSP forbids it).
// The accounts upload: streams the file as the API takes it, shows the bytes sent, then the rows the server has
// taken in so far (read from the upload's record while it runs), and opens the upload's report when done.
(function () {
  'use strict';

  // The words come from the page (data-text-* attributes, filled from the message bundle): $1, $2... are values,
  // numbers written the page's language's way.
  function say(element, name, values) {
    var lang = document.documentElement.lang || 'en';
    return (element.getAttribute('data-text-' + name) || '').replace(/\$(\d)/g, function (all, n) {
      var v = values[Number(n) - 1];
      return typeof v === 'number' ? v.toLocaleString(lang) : String(v);
    });
  }

  function setup(form) {
    var bar = document.getElementById('upload-bytes');
    var barText = document.getElementById('upload-bytes-text');
    var rows = document.getElementById('upload-rows');
    var box = document.getElementById('upload-progress');
    var problem = document.getElementById('upload-problem');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var input = form.querySelector('input[type=file]');
      var file = input.files && input.files[0];
      if (!file) {
        return;
      }
      var token = form.querySelector('input[name="csrf-token"]').value;
      var ndjson = /\.(ndjson|jsonl)$/i.test(file.name);
      var xhr = new XMLHttpRequest();
      var polling = null;
      problem.hidden = true;
      box.hidden = false;
      form.querySelector('button').disabled = true;
      xhr.open('POST', form.getAttribute('data-upload'));
      xhr.setRequestHeader('Content-Type', ndjson ? 'application/x-ndjson' : 'text/csv');
      xhr.setRequestHeader('X-CSRF-TOKEN', token);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(e.loaded * 100 / e.total);
          barText.textContent = say(form, 'bytes', [bar.value, e.total]);
        }
      });
      polling = setInterval(function () {
        fetch(form.getAttribute('data-progress'), {credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (u) {
            if (u && u.status === 'RUNNING') {
              rows.textContent = say(form, 'rows', [u.accepted, u.rejected, u.lastLine]);
            }
          })
          .catch(function () { /* the next poll tries again */ });
      }, 1000);
      xhr.addEventListener('loadend', function () {
        clearInterval(polling);
        form.querySelector('button').disabled = false;
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (ignored) { /* not JSON */ }
        if (xhr.status === 200 && answer && answer.uploadId) {
          window.location.assign(form.getAttribute('data-upload').replace(/accounts$/, 'uploads/') + answer.uploadId);
        } else {
          problem.textContent = (answer && answer.message) || say(form, 'failed', [String(xhr.status)]);
          problem.hidden = false;
        }
      });
      xhr.send(file);
    });
  }

  // The campaign page's chart follows the campaign's event stream: one snapshot a second with the notices settled
  // per second since the one before; the last snapshot says finished, and the stream is closed then (an open
  // EventSource would reconnect).
  function chart(box) {
    var target = document.getElementById('rate-chart');
    var now = document.getElementById('rate-now');
    var times = [];
    var rates = [];
    var plot = null;

    function draw() {
      if (typeof uPlot === 'undefined' || times.length === 0) {
        return;
      }
      if (!plot) {
        plot = new uPlot({
          width: Math.max(280, Math.min(target.clientWidth || 640, 900)),
          height: 220,
          scales: {x: {time: true}},
          series: [{}, {label: say(box, 'series', []), stroke: '#0b4f8a', width: 2, fill: 'rgba(11,79,138,0.12)'}],
          axes: [{}, {label: say(box, 'axis', [])}]
        }, [times, rates], target);
      } else {
        plot.setData([times, rates]);
      }
    }

    // a draft has nothing to follow yet (the page has no stream address then)
    if (typeof EventSource === 'undefined' || !box.getAttribute('data-events')) {
      return;
    }
    var stream = new EventSource(box.getAttribute('data-events'));
    stream.onmessage = function (event) {
      var s;
      try {
        s = JSON.parse(event.data);
      } catch (ignored) {
        return;
      }
      var settled = s.total - ((s.byStatus && s.byStatus.queued) || 0) - ((s.byStatus && s.byStatus.sending) || 0);
      var rate = Math.round(s.sentPerSecond || 0);
      times.push(Date.now() / 1000);
      rates.push(rate);
      now.textContent = say(box, 'now', [rate, settled, s.total]);
      draw();
      if (s.finished) {
        stream.close();
      }
    };
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('upload-form');
    if (form) {
      setup(form);
    }
    var rate = document.getElementById('rate');
    if (rate) {
      chart(rate);
    }
  });
}());
