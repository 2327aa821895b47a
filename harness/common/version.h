/*
 * version.h - the harness's own version, recorded in every report and
 * generated vector file so that a result can be traced to the code that
 * judged it.
 */
#ifndef EH_VERSION_H_
#define EH_VERSION_H_

/* `git describe --tags --always --dirty` of the tree the binary was built
 * from (the Makefile writes it to build/.../eh_version.inc), e.g. "e9b3910"
 * or "v0.2-3-gabc1234-dirty"; "unknown" when built without git. Static
 * storage, never NULL. */
const char *eh_version(void);

#endif
