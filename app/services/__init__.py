"""Plain, typed business logic; nothing here touches request, g or session."""
