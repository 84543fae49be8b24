/* The controls: the training scrubber (slider, play button, arrow keys, Home and End), the toggles
 * and the theme button.
 */
/* global applyTheme */
/* exported createControls */

function createControls(app) {
  const S = app.S, st = app.st, ui = app.ui, $ = app.$;
  let timer = null;  // while playing: the interval that steps the snapshots

  function play(on) {
    st.playing = on;
    ui.play.textContent = on ? "❚❚" : "▶";
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    if (!on) return;
    if (st.snap === S - 1) app.setSnap(0);
    timer = setInterval(() => {
      if (st.snap >= S - 1) play(false);
      else app.setSnap(st.snap + 1);
    }, 110);
  }

  ui.slider.addEventListener("input", () => app.setSnap(Number(ui.slider.value)));
  ui.play.addEventListener("click", () => play(!st.playing));
  document.addEventListener("keydown", (e) => {
    if (e.target === ui.slider) return;  // the slider steps on its own
    if (e.key === "ArrowRight" || e.key === "ArrowUp") {
      app.setSnap(st.snap + 1);
      e.preventDefault();
    } else if (e.key === "ArrowLeft" || e.key === "ArrowDown") {
      app.setSnap(st.snap - 1);
      e.preventDefault();
    } else if (e.key === "Home") {
      app.setSnap(0);
    } else if (e.key === "End") {
      app.setSnap(S - 1);
    } else if (e.key === " " && e.target.tagName !== "BUTTON" && e.target.tagName !== "INPUT") {
      play(!st.playing);
      e.preventDefault();
    }
  });
  const toggles = [["t-rel", "rel"], ["t-recon", "recon"], ["t-resid", "resid"], ["t-seeds", "seeds"]];
  for (const [id, key] of toggles) {
    $(id).addEventListener("change", (e) => {
      st[key] = e.target.checked;
      app.invalidate();
    });
  }
  ui.theme.addEventListener("click", () => {
    st.theme = st.theme === "dark" ? "light" : "dark";
    applyTheme(app);
    app.invalidate();
  });
  window.addEventListener("resize", app.invalidate);
  if (window.ResizeObserver) new ResizeObserver(app.invalidate).observe(document.querySelector("main"));

  return { play: play };
}
