package io.embedmerge.api;

/** What the service's HTML pages share: the head with its style sheet, and the policy they are served with. */
final class HtmlPage {

    /**
     * The pages are self-contained (inline style and SVG, no script, no external asset): nothing else may load, and
     * no other site may frame them.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private HtmlPage() {}

    /** The page up to the opening body tag, with the (escaped) title. */
    static StringBuilder start(String title) {
        return new StringBuilder("""
                <!doctype html><html lang='en'><head><meta charset='utf-8'><title>%s</title><style>
                body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
                h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
                table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;font-size:.9rem;text-align:right}
                th{background:#f5f5f5}td.l,th.l{text-align:left}.legend span{margin-right:1rem}
                .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
                code{background:#f5f5f5;padding:1px 4px}td.best{background:#fdebd3;font-weight:bold}
                </style></head><body>
                """.formatted(Svg.escape(title)));
    }
}
