"""The mikroporada web application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import assets, crypto, observability, principal
from app.config import build_config
from app.extensions import csrf, db, limiter, migrate, sock

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: read config, bind extensions, register blueprints and handlers."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(build_config(Path(app.instance_path), config))
    app.static_folder = app.config.get("STATIC_FOLDER") or app.static_folder
    crypto.install(app.config["ENCRYPTION_KEYS"])
    # First: request ids, timing and logging wrap every other hook (docs/observability.md).
    observability.init_app(app)
    if app.config["TRUST_PROXY"]:
        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    principal.init_app(app)  # before the limiter: its key function reads the principal
    limiter.init_app(app)
    sock.init_app(app)

    from app import commands, errors, security, views
    from app.api import bp as api_bp
    from app.api import legacy as legacy_bp
    from app.conversations import bp as conversations_bp
    from app.documents import bp as documents_bp
    from app.guide import bp as guide_bp
    from app.health import bp as health_bp
    from app.main import bp as main_bp
    from app.renders import bp as renders_bp
    from app.transfer import bp as transfer_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(conversations_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(guide_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(legacy_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(renders_bp)
    security.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    assets.init_app(app)
    commands.init_app(app)
    return app
