/*
 * vector_file.h - load and validate an EDHOC vector file (flat JSON object,
 * hex strings; format in vectors/README.md). Every problem is reported as
 * one line on stderr naming the file and the key.
 */
#ifndef EH_VECTOR_FILE_H
#define EH_VECTOR_FILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vfile {
    const char *path;
    json_t *root; /* owned */
} vfile;

/* 0, or 2 after printing why (not JSON, not an object, a value that is
 * neither hex nor an allowed integer). */
int vfile_load(vfile *vf, const char *path);
/* The same from memory: text[0..len) is the file's content (need not be
 * NUL-terminated; NULL only with len 0; not kept: vf->root owns what was
 * parsed); `name` stands for the path in messages and is kept as vf->path,
 * so it must outlive vf. */
int vfile_load_mem(vfile *vf, const char *name, const char *text, size_t len);
void vfile_free(vfile *vf);

bool vfile_has(const vfile *vf, const char *key);
/* Decode key's hex into buf. Missing: required -> print, return 2;
 * optional -> *len = 0, return 0. Too long for cap -> print, return 2. */
int vfile_hex(const vfile *vf, const char *key, uint8_t *buf, size_t cap, size_t *len,
              bool required);
/* Integer value of key (JSON integer), or 2 after printing. */
int vfile_int(const vfile *vf, const char *key, long long *value);

/* Keys whose values are JSON integers rather than hex. */
bool vfile_key_is_int(const char *key);

#endif
