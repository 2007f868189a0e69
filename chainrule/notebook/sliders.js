// chainrule.sliders(): the drawing of a program and a slider per input (an anywidget).
// Moving a slider sends the values to the kernel, which answers with the numbers only
// (`numbers`: node id -> [value text, grad text]); they are written into the drawing in
// place, as the playground does (chainrule/render/dot.py's contract): a box of the lines
// level ends in "value", V, "grad", G; a compact node's last two <text>s are its value then
// its gradient. So the layout never changes while dragging.

function patch(picture, numbers) {
  for (const [id, [value, grad]] of Object.entries(numbers)) {
    for (const group of picture.querySelectorAll(`g[id="${id}"], g.copy-of-${id}`)) {
      const texts = [...group.querySelectorAll("text")];
      const n = texts.length;
      if (n < 2) continue;
      const quad = n >= 4 && texts[n - 4].textContent.trim() === "value" && texts[n - 2].textContent.trim() === "grad";
      texts[quad ? n - 3 : n - 2].textContent = value;
      texts[n - 1].textContent = grad;
    }
  }
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "chainrule-sliders";
  const controls = document.createElement("div");
  const status = document.createElement("div");
  status.setAttribute("role", "status");
  status.style.color = "#b91c1c";
  const picture = document.createElement("div");
  picture.style.overflowX = "auto";
  const svg = model.get("svg");
  picture.innerHTML = svg.slice(Math.max(0, svg.indexOf("<svg")));
  const ranges = model.get("ranges");
  for (const name of Object.keys(ranges)) {
    const [min, max, step] = ranges[name];
    const row = document.createElement("label");
    row.style.display = "block";
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min, max, step, name });
    input.value = String(model.get("values")[name]);
    const shown = document.createElement("output");
    shown.textContent = input.value;
    input.addEventListener("input", () => {
      shown.textContent = input.value;
      model.set("values", { ...model.get("values"), [name]: Number(input.value) });
      model.save_changes();
    });
    row.append(`${name} `, input, " ", shown);
    controls.append(row);
  }
  const onNumbers = () => patch(picture, model.get("numbers"));
  const onError = () => {
    const error = model.get("error");
    status.textContent = error;
    picture.style.opacity = error ? "0.5" : "1";
  };
  model.on("change:numbers", onNumbers);
  model.on("change:error", onError);
  onNumbers();
  onError();
  box.append(controls, status, picture);
  el.append(box);
  return () => {
    model.off("change:numbers", onNumbers);
    model.off("change:error", onError);
  };
}

export default { render };
