// Record a voice note in the browser (MediaRecorder) and send it like a typed answer.
// Without scripts, or without a microphone, the page keeps working by typing or tapping.
(function () {
  "use strict";
  var MAX_SECONDS = 120;
  var box = document.querySelector("[data-recorder]");
  if (!box || !window.MediaRecorder || !navigator.mediaDevices) return;
  var button = box.querySelector("[data-record]");
  var status = box.querySelector("[data-status]");
  var recorder = null;
  var started = 0;
  var timer = null;
  box.hidden = false;

  function seconds() {
    return Math.max(1, Math.round((Date.now() - started) / 1000));
  }

  function send(chunks, type) {
    var body = new FormData();
    body.append("stem", new Blob(chunks, { type: type }), "stem");
    body.append("duur", String(seconds()));
    status.textContent = "⏳ Even geduld…";
    button.disabled = true;
    fetch("/stem", { method: "POST", body: body, redirect: "manual", credentials: "same-origin" })
      .then(function () { window.location.assign("/"); })
      .catch(function () {
        status.textContent = "😕 Dat lukte niet. Probeer het nog eens.";
        button.disabled = false;
      });
  }

  button.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (event) { chunks.push(event.data); };
      recorder.onstop = function () {
        clearInterval(timer);
        stream.getTracks().forEach(function (track) { track.stop(); });
        send(chunks, (recorder.mimeType || "audio/webm").split(";")[0]);
      };
      recorder.start();
      started = Date.now();
      button.textContent = "✅ Klaar";
      status.textContent = "🔴 0 s";
      timer = setInterval(function () {
        status.textContent = "🔴 " + seconds() + " s";
        if (seconds() >= MAX_SECONDS) recorder.stop();
      }, 500);
    }).catch(function () {
      status.textContent = "🎙️ Dat lukt niet. Typ je antwoord.";
    });
  });
})();
