"""What leaves the app on paper or as a file for a meeting: map sheets
(:mod:`app.prints.map_sheets`, the layer drawn in :mod:`app.prints.print_layers`), the meeting
atlas (:mod:`app.prints.meeting_atlas`) and the self-contained meeting pack
(:mod:`app.prints.pack`), each from the reader's view of the frame and each audited."""
