// imagine's web app: plain JavaScript, no framework, nothing loaded from outside the API.
"use strict";

const $ = (id) => document.getElementById(id);
let key = localStorage.getItem("imagine.key");
let current = null;      // the job shown in "current"
let stream = null;       // its event stream's AbortController
let galleryCursor = null;
let galleryDone = false;
let galleryLoading = false;

async function api(path, options = {}) {
  const headers = Object.assign({ "Authorization": "Bearer " + key }, options.headers || {});
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers }));
  let body = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) body = await response.json();
  if (!response.ok) {
    const error = new Error(body && body.message ? body.message : "HTTP " + response.status);
    error.status = response.status;
    throw error;
  }
  return body;
}

async function signIn(candidate) {
  key = candidate;
  try {
    const me = await api("/v1/me");
    localStorage.setItem("imagine.key", key);
    showAccount(me);
    $("sign-in").hidden = true;
    $("studio").hidden = false;
    $("account").hidden = false;
    resetGallery();
  } catch (e) {
    key = null;
    $("sign-in-error").textContent = e.status === 401 ? "That key is not valid: " + e.message : e.message;
  }
}

function showAccount(me) {
  $("plan").textContent = me.plan + " plan";
  const hours = (me.fastMillisLeft / 3600000).toFixed(1);
  $("fast-left").textContent = hours + " h Fast time left";
}

async function refreshAccount() {
  try { showAccount(await api("/v1/me")); } catch (e) { /* shown on the next action */ }
}

async function imagine(event) {
  event.preventDefault();
  $("prompt-error").textContent = "";
  const body = { prompt: $("prompt").value };
  if ($("mode").value) body.mode = $("mode").value;
  try {
    const accepted = await api("/v1/imagine", { method: "POST", body: JSON.stringify(body) });
    follow(accepted.id);
  } catch (e) {
    $("prompt-error").textContent = e.message;
  }
}

async function act(action, index) {
  if (!current) return;
  $("job-error").textContent = "";
  const body = { action };
  if (index) body.index = Number(index);
  if (action === "variation") body.strength = "strong";
  try {
    const accepted = await api("/v1/jobs/" + current + "/actions", { method: "POST", body: JSON.stringify(body) });
    follow(accepted.id);
  } catch (e) {
    $("job-error").textContent = e.message;
  }
}

// The job's Server-Sent Events, read with fetch (EventSource cannot send the Authorization header).
async function follow(id) {
  if (stream) stream.abort();
  stream = new AbortController();
  current = id;
  $("current").hidden = false;
  $("current").dataset.job = id;
  $("result").hidden = true;
  $("preview").hidden = true;
  $("buttons").hidden = true;
  $("job-error").textContent = "";
  show({ state: "QUEUED", progress: 0 });
  let lastId = null;
  for (let attempt = 0; attempt < 20 && current === id; attempt++) {
    try {
      const headers = { "Authorization": "Bearer " + key, "Accept": "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch("/v1/jobs/" + id + "/events", { headers, signal: stream.signal });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (!event.data) continue;
          if (event.id) lastId = event.id;
          const job = JSON.parse(event.data);
          await show(job);
          if (event.name === "done") {
            refreshAccount();
            resetGallery();
            return;
          }
        }
      }
    } catch (e) {
      if (e.name === "AbortError") return;
    }
    await new Promise((r) => setTimeout(r, 1000)); // the stream broke: resume after the last event seen
  }
}

function parse(block) {
  const event = { name: "message", data: "", id: null };
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event.name = line.slice(6).trim();
    else if (line.startsWith("data:")) event.data += line.slice(5).trim();
    else if (line.startsWith("id:")) event.id = line.slice(3).trim();
  }
  return event;
}

async function show(job) {
  $("state").textContent = job.state + (job.note ? " (" + job.note + ")" : "")
    + (job.ignoredWords && job.ignoredWords.length ? " · words the model does not know: " + job.ignoredWords.join(", ") : "");
  $("state").dataset.state = job.state;
  $("progress").value = job.progress || 0;
  $("percent").textContent = Math.round(100 * (job.progress || 0)) + "%";
  if (job.previewUrl) {
    $("preview").src = URL.createObjectURL(await (await fetch(job.previewUrl, { headers: { "Authorization": "Bearer " + key } })).blob());
    $("preview").hidden = false;
  }
  if (job.state === "COMPLETED") {
    $("preview").hidden = true;
    $("result").src = job.imageUrl;
    $("result").hidden = false;
    $("buttons").hidden = job.spec && job.spec.modelVersion === "upscaler";
  } else if (["FAILED", "REJECTED", "CANCELLED"].includes(job.state)) {
    $("preview").hidden = true;
    $("job-error").textContent = job.state.toLowerCase() + ": " + (job.error || "no reason given");
  }
}

function resetGallery() {
  $("gallery").textContent = "";
  galleryCursor = null;
  galleryDone = false;
  loadGallery();
}

async function loadGallery() {
  if (galleryLoading || galleryDone || !key) return;
  galleryLoading = true;
  try {
    const page = await api("/v1/jobs?limit=24" + (galleryCursor ? "&cursor=" + encodeURIComponent(galleryCursor) : ""));
    for (const job of page.jobs) {
      const figure = document.createElement("figure");
      figure.dataset.job = job.id;
      if (job.thumbnailUrl) {
        const img = document.createElement("img");
        img.loading = "lazy";
        img.src = job.thumbnailUrl;
        img.alt = job.spec.prompt;
        figure.appendChild(img);
        figure.addEventListener("click", () => { $("lightbox-image").src = job.imageUrl; $("lightbox").hidden = false; });
      }
      const caption = document.createElement("figcaption");
      caption.textContent = (job.action ? job.action + " · " : "") + job.spec.prompt + (job.state === "COMPLETED" ? "" : " · " + job.state);
      figure.appendChild(caption);
      $("gallery").appendChild(figure);
    }
    galleryCursor = page.next || null;
    galleryDone = !page.next;
  } catch (e) {
    $("job-error").textContent = "gallery: " + e.message;
  } finally {
    galleryLoading = false;
  }
}

$("sign-in-form").addEventListener("submit", (e) => { e.preventDefault(); $("sign-in-error").textContent = ""; signIn($("api-key").value.trim()); });
$("sign-out").addEventListener("click", () => { localStorage.removeItem("imagine.key"); location.reload(); });
$("imagine-form").addEventListener("submit", imagine);
for (const button of document.querySelectorAll("#buttons button")) {
  button.addEventListener("click", () => act(button.dataset.action, button.dataset.index));
}
$("lightbox-close").addEventListener("click", () => { $("lightbox").hidden = true; });
new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadGallery(); }).observe($("gallery-end"));
if (key) signIn(key);
