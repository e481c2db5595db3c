"""The reporting cycle: the monthly report, the six-month review, the final report and the
yearly self-assessment, as Word (.docx, from ``templates/reports/bao_cao.docx``) and Excel
(.xlsx) files built from the village frame; the calendar of the plan's dated tasks and
reports.

- :mod:`app.reports.view`: the one place figures are obtained from the frame;
- :mod:`app.reports.content`, :mod:`app.reports.monthly`, :mod:`app.reports.periodic`:
  what a report says, as headings, paragraphs and tables (no file format);
- :mod:`app.reports.word`, :mod:`app.reports.workbook`: the same content as .docx / .xlsx;
- :mod:`app.reports.charts`: the map image and the month-by-month charts;
- :mod:`app.reports.calendar`: tasks and reports with their status, the dashboard banner;
- :mod:`app.reports.service`: make one report, audited (the web page and the CLI use it).
"""
