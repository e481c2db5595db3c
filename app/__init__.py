"""The xkmt web application and command line: the database, access, imports, the village
frame per viewer, and every page, print and report rendered from it."""
