/* import.h - `sipwhy kb import`: read troubleshooting articles in the
 * Markdown shape Microsoft publishes and write a microsoft.tsv table,
 * reporting the defects found on the way. */
#ifndef SIPWHY_IMPORT_H
#define SIPWHY_IMPORT_H

#include <stdio.h>

/* Imports the articles at PATHS (NPATHS of them) and writes one table to
 * OUT.  Defects are reported on stderr as file:line warnings.  Returns 0
 * when there was none, 1 when defects were reported, 2 when a file could
 * not be read. */
int import_articles(int npaths, char **paths, FILE *out);

#endif
