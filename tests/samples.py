"""Real files made in the tests: a news page, a two-page PDF report and a Word memo."""

from __future__ import annotations

import datetime as dt
import io
import json

# Every phrase a reader must never be quoted: navigation, cookie banner, comments, related stories.
HTML_NOISE = (
    "Home World Business Technology Sport",
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Subscribe to our newsletter",
    "Great article, thanks for sharing",
    "I disagree with the premise",
    "Related stories",
    "Ten gadgets to buy this winter",
    "Celebrity chef opens new restaurant",
    "Copyright 2026 Harbour Gazette",
)

_JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Port of Kellan handles record cargo volumes",
    "datePublished": "2026-03-14T08:30:00Z",
    "author": {"@type": "Person", "name": "Maria Lindqvist"},
    "publisher": {"@type": "Organization", "name": "Harbour Gazette"},
}


def article_html() -> bytes:
    """A news page shaped like a real one: nav, cookie banner, comments, related, footer."""
    body = "\n".join(
        f"<p>{p}</p>"
        for p in (
            "The Port of Kellan handled 4.2 million containers in 2025, a record for the harbour "
            "and an increase of 12 percent on the year before.",
            "Harbour master Jonas Ek said the new deep-water berth, opened in May, allowed larger "
            "ships to call at the port for the first time.",
            "Freight operators expect volumes to grow again this year as two shipping lines move "
            "their northern routes to Kellan.",
            "The port authority plans to spend 300 million euros on rail links by 2028, so that "
            "fewer containers leave the harbour by road.",
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Port of Kellan handles record cargo volumes | Harbour Gazette</title>
<link rel="canonical" href="https://www.harbourgazette.example/business/kellan-record-cargo">
<meta property="og:title" content="Port of Kellan handles record cargo volumes">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:type" content="article">
<meta property="og:url" content="https://www.harbourgazette.example/business/kellan-record-cargo">
<meta property="article:published_time" content="2026-03-14T08:30:00Z">
<meta name="author" content="Maria Lindqvist">
<script type="application/ld+json">{json.dumps(_JSON_LD)}</script>
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience
on our site. By continuing you agree to our use of cookies.</p><button>Accept all cookies</button>
</div>
<header><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/tech">Technology</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<p class="nav-text">Home World Business Technology Sport</p>
<div class="newsletter">Subscribe to our newsletter for the latest harbour news every morning.</div>
</header>
<main><article>
<h1>Port of Kellan handles record cargo volumes</h1>
<p class="byline">By Maria Lindqvist, 14 March 2026</p>
{body}
</article>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Great article, thanks for sharing this news about the port.</p></div>
<div class="comment"><p>I disagree with the premise that rail links will reduce traffic.</p></div>
</section>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Ten gadgets to buy this winter before prices rise again</a></li>
<li><a href="/b">Celebrity chef opens new restaurant in the old town hall</a></li></ul></aside>
</main>
<footer><p>Copyright 2026 Harbour Gazette. All rights reserved.</p></footer>
</body></html>""".encode()


PDF_FIGURE = "Wind farms supplied 38 percent of the region's electricity in 2025."


def two_page_pdf() -> bytes:
    """A two-page report with a title and date in its document information; the figure on p. 2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Regional Energy Outlook 2026")
    pdf.set_author("Northern Energy Agency")
    pdf.set_creation_date(dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC))
    pdf.set_font("Helvetica", size=12)
    pages = (
        (
            "Regional Energy Outlook 2026",
            "This report reviews how the region produced and used energy during the past year.",
            "Demand for heating fell during a mild winter, while transport demand kept rising.",
        ),
        (
            "Generation",
            PDF_FIGURE,
            "Solar panels on public buildings added a further 140 megawatts of capacity.",
        ),
    )
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 8, line)
            pdf.ln(4)
    return bytes(pdf.output())


def memo_docx() -> bytes:
    """A Word memo with core properties (title, author, created) and paragraphs in order."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = "Budget memo for the harbour board"
    props.author = "Elin Sand"
    props.created = dt.datetime(2026, 1, 20, 10, 0)
    document.add_heading("Budget memo for the harbour board", level=1)
    document.add_paragraph(
        "The board approved a maintenance budget of 18 million euros for the coming year."
    )
    document.add_paragraph("Dredging of the inner basin will start in April and last six weeks.")
    document.add_paragraph("A decision on the new ferry terminal was postponed until June.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A scanned-looking PDF: one page that is a picture, with no text layer."""
    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (200, 100), color=128).save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=150)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """The two-page report, encrypted (an empty user password only restricts editing)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(two_page_pdf()))
    writer.encrypt(user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
