"""``python -m app.client``: the same as the ``mikroporada`` command."""

from app.client.main import main

raise SystemExit(main())
