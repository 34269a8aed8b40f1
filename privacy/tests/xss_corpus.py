"""Payloads that try to set ``window.__xss``: saved into every user text field by test_xss.py.

Script tags, event handlers, javascript: and data: URLs (raw and in Markdown links), entity
encoded and mixed-case variants, breakouts from attributes, textareas, titles and scripts,
and htmx attributes (which would turn markup into requests).
"""

SET = "window.__xss=1"

PAYLOADS = [
    # script tags
    f"<script>{SET}</script>",
    f"<SCRIPT>{SET}</SCRIPT>",
    f"<ScRiPt>{SET}</sCrIpT>",
    f"<script src=data:text/javascript,{SET}></script>",
    f"<scr<script>ipt>{SET}</scr</script>ipt>",
    f"<svg><script>{SET}</script></svg>",
    f"<script type=module>{SET}</script>",
    f"</script><script>{SET}</script>",
    # event handlers
    f"<img src=x onerror={SET}>",
    f'<IMG SRC="x" OnErRoR="{SET}">',
    f"<svg onload={SET}>",
    f"<svg/onload={SET}>",
    f"<body onload={SET}>",
    f"<details open ontoggle={SET}>",
    f"<input autofocus onfocus={SET}>",
    f"<video><source onerror={SET}></video>",
    f"<audio src=x onerror={SET}>",
    f"<iframe onload={SET}></iframe>",
    f"<marquee onstart={SET}>x</marquee>",
    f"<style>@keyframes k{{}}</style><b class=x onanimationstart={SET}>a</b>",
    f"<div onpointerenter={SET} class=position-fixed>cover</div>",
    f"<object data=x onerror={SET}></object>",
    # javascript: and data: URLs in raw HTML
    f'<a href="javascript:{SET}">click</a>',
    f'<a href=" JaVaScRiPt:{SET}">click</a>',
    f'<a href="&#106;avascript:{SET}">click</a>',
    f'<a href="&#x6A;&#x61;&#x76;&#x61;script:{SET}">click</a>',
    f'<a href="java&#09;script:{SET}">click</a>',
    f'<iframe src="javascript:{SET}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<iframe src="data:text/html,<script>parent.__xss=1</script>"></iframe>',
    f'<object data="javascript:{SET}"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==">',
    f'<form><button formaction="javascript:{SET}">go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{SET}">',
    '<base href="javascript:/">',
    f'<svg><a xlink:href="javascript:{SET}"><text y="20">x</text></a></svg>',
    f'<math><mi xlink:href="javascript:{SET}">x</mi></math>',
    # javascript: and data: URLs in Markdown links and images
    f"[click](javascript:{SET})",
    f"[click](JaVaScRiPt:{SET})",
    f"[click](javascript&colon;{SET})",
    f"[click](&#106;avascript:{SET})",
    f"[click](data:text/html,<script>{SET}</script>)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    f"[click](vbscript:{SET})",
    f'[click](x "title" onmouseover="{SET}")',
    f'![img](x" onerror="{SET})',
    f"![img](javascript:{SET})",
    f"<javascript:{SET}>",
    f"[ref]\n\n[ref]: javascript:{SET}",
    # entity-encoded text (must stay text)
    f"&lt;script&gt;{SET}&lt;/script&gt;",
    f"&#60;script&#62;{SET}&#60;/script&#62;",
    f"&#x3C;img src=x onerror={SET}&#x3E;",
    f"%3Cscript%3E{SET}%3C/script%3E",
    f"\\u003cscript\\u003e{SET}\\u003c/script\\u003e",
    # breaking out of attributes, textareas, titles, comments
    f'"><script>{SET}</script>',
    f"'><img src=x onerror={SET}>",
    f'" onfocus="{SET}" autofocus="',
    f"' onmouseover='{SET}' x='",
    f"</textarea><script>{SET}</script>",
    f"</title><script>{SET}</script>",
    f'<!--<img src="--><img src=x onerror={SET}//">',
    f'<noscript><p title="</noscript><img src=x onerror={SET}>">',
    f"</style><script>{SET}</script>",
    # breaking out of JavaScript or JSON contexts
    f"';{SET};//",
    f'";{SET};//',
    f"${{{SET}}}",
    '{"X-CSRFToken": "x"}',
    # htmx attributes
    f'<div hx-get="/" hx-trigger="load" hx-on::after-request="{SET}">htmx</div>',
    f'<div hx-on:htmx:load="{SET}">htmx</div>',
    f"<img src=x hx-on:error={SET}>",
    # template syntax (must be text, not evaluated)
    "{{ request.user.password }}{% debug %}",
]
