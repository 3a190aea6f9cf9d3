"""``toolkit serve``: LibreTranslate's HTTP API over the toolkit's pipeline, glossary enforced.

Tools that speak LibreTranslate (Weblate, browser extensions, libretranslatepy) get offline MT
with the glossary enforced and verified, the translation memory first and reviewed translations
winning — the guarantees of ``toolkit translate`` — and the corpus-level throughput of one
batched pass, because concurrent requests are gathered into shared passes
(:mod:`toolkit.serve.batching`).

* :mod:`toolkit.serve.app` — routes, parameters, error shapes (Starlette);
* :mod:`toolkit.serve.service` — preparing requests and running pipeline passes on the worker;
* :mod:`toolkit.serve.batching` — the cross-request batcher;
* :mod:`toolkit.serve.languages` — LibreTranslate codes (zh, zt) ↔ toolkit tags, detection;
* :mod:`toolkit.serve.glossaries` — the ``glossary`` parameter, lookup and scan records;
* :mod:`toolkit.serve.web` — body limit, parameter reading, download store;
* :mod:`toolkit.serve.page` — the web page; :mod:`toolkit.serve.runner` — uvicorn.

Starlette and uvicorn are imported by :mod:`~toolkit.serve.app`, :mod:`~toolkit.serve.runner`
and :mod:`~toolkit.serve.web` only, which ``toolkit serve`` imports inside the command.
"""
