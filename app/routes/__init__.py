"""The web routes, one module per page or group of pages; each reads the viewer's view of
the frame (``app.frame.view``) and renders it."""
