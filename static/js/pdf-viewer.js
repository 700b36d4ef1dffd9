// The PDF viewer (templates/renders/viewer.html): draws every page of the finished PDF into a
// canvas as wide as the screen, with the vendored pdf.js, because many phone and in-app
// browsers cannot show a PDF inline. The page works without this module: its links open or
// download the file, and they stay whenever anything here fails (an old browser, no network).
//
// "Drukuj" is the browser's own print of this page: the print styles in app.css show only the
// canvases, one per sheet, so every page is drawn at PRINT_DPI at least, whatever the screen.
// URLs come from the page's data- attributes (no inline script: the CSP allows none).

const PRINT_DPI = 150;
const PDF_POINTS_PER_INCH = 72;
const FAILED =
  "Nie udało się pokazać tu stron pisma. Naciśnij „Otwórz PDF” albo „Pobierz PDF”.";

const viewer = document.getElementById("pdf-viewer");
if (viewer) show(viewer);

async function show(viewer) {
  const state = viewer.querySelector(".pdf-state");
  const pages = viewer.querySelector(".pdf-pages");
  // pdf.js 4.10's modern build needs Promise.withResolvers (Chrome 119, Safari 17.4); older
  // browsers keep the links without downloading 1.7 MB for nothing.
  if (typeof Promise.withResolvers !== "function") {
    failed(state);
    return;
  }
  viewer.setAttribute("aria-busy", "true");
  state.textContent = "Wczytujemy pismo…";
  let loading = null;
  try {
    const pdfjs = await import(viewer.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = viewer.dataset.pdfjsWorker;
    loading = pdfjs.getDocument({
      url: viewer.dataset.pdf,
      // No eval anywhere (the worker's PostScript functions are interpreted instead).
      isEvalSupported: false,
      verbosity: pdfjs.VerbosityLevel.ERRORS,
    });
    const pdf = await loading.promise;
    const width = pages.clientWidth;
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await pdf.getPage(number);
      pages.append(await draw(page, width, `Strona ${number} z ${pdf.numPages}`));
    }
    state.textContent = "";
    ready();
  } catch {
    pages.replaceChildren();
    failed(state);
  } finally {
    viewer.removeAttribute("aria-busy");
    // Everything is on the canvases now (or failed): free the worker and the document.
    if (loading) loading.destroy().catch(() => {});
  }
}

// One page into a new canvas: sharp on this screen and good enough on paper.
async function draw(page, cssWidth, label) {
  const natural = page.getViewport({ scale: 1 }); // 1 unit = 1 PDF point
  const onScreen = (cssWidth / natural.width) * (window.devicePixelRatio || 1);
  const viewport = page.getViewport({
    scale: Math.max(onScreen, PRINT_DPI / PDF_POINTS_PER_INCH),
  });
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  page.cleanup();
  return canvas;
}

// The pages cannot be shown here: the links to the file stay, and the state says so.
function failed(state) {
  state.textContent = FAILED;
  state.classList.add("error-text");
}

// The pages are shown: "Drukuj" instead of opening the file elsewhere.
function ready() {
  const open = document.querySelector("[data-pdf-open]");
  const print = document.querySelector("[data-pdf-print]");
  if (print && typeof window.print === "function") {
    print.addEventListener("click", () => window.print());
    print.hidden = false;
    if (open) open.hidden = true;
  }
}
