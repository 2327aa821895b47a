#include "vector_file.h"

#include "../common/hex.h"

#include <stdio.h>
#include <string.h>

static const char *const int_keys[] = {"app_aead_alg", "app_hash_alg", "exporter_label",
                                       "exporter_length"};

bool vfile_key_is_int(const char *key)
{
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++)
        if (strcmp(key, int_keys[i]) == 0)
            return true;
    return false;
}


/* Check what json_load* returned (NULL: jerr says why) as vf's content. */
static int check_loaded(vfile *vf, const json_error_t *jerr)
{
    const char *key;
    json_t *value;
    const char *path = vf->path;
    if (vf->root == NULL) {
        fprintf(stderr, "%s: not a valid JSON vector file (line %d: %s)\n", path, jerr->line,
                jerr->text);
        return 2;
    }
    if (!json_is_object(vf->root)) {
        fprintf(stderr, "%s: not a vector file: the top level is not a JSON object\n", path);
        goto fail;
    }
    json_object_foreach(vf->root, key, value) {
        if (key[0] == '_')
            continue; /* metadata */
        if (vfile_key_is_int(key)) {
            if (!json_is_integer(value)) {
                fprintf(stderr, "%s: key '%s': expected a JSON integer\n", path, key);
                goto fail;
            }
        } else if (!json_is_string(value) || !eh_hex_valid(json_string_value(value))) {
            fprintf(stderr, "%s: key '%s': not a hex string\n", path, key);
            goto fail;
        }
    }
    return 0;
fail:
    json_decref(vf->root);
    vf->root = NULL;
    return 2;
}

int vfile_load(vfile *vf, const char *path)
{
    json_error_t jerr;
    vf->path = path;
    vf->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    return check_loaded(vf, &jerr);
}

int vfile_load_mem(vfile *vf, const char *name, const char *text, size_t len)
{
    json_error_t jerr;
    vf->path = name;
    vf->root = json_loadb(text != NULL ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
    return check_loaded(vf, &jerr);
}

void vfile_free(vfile *vf)
{
    json_decref(vf->root);
    vf->root = NULL;
}

bool vfile_has(const vfile *vf, const char *key)
{
    return json_object_get(vf->root, key) != NULL;
}


int vfile_hex(const vfile *vf, const char *key, uint8_t *buf, size_t cap, size_t *len,
              bool required)
{
    json_t *v = json_object_get(vf->root, key);
    *len = 0;
    if (v == NULL) {
        if (!required)
            return 0;
        fprintf(stderr, "%s: missing input key '%s'\n", vf->path, key);
        return 2;
    }
    const char *s = json_string_value(v);
    size_t n = strlen(s) / 2;
    if (n > cap) {
        fprintf(stderr, "%s: key '%s': %zu bytes, more than the %zu this harness supports\n",
                vf->path, key, n, cap);
        return 2;
    }
    eh_hex_decode(s, buf, cap, len); /* validated at load */
    return 0;
}

int vfile_int(const vfile *vf, const char *key, long long *value)
{
    json_t *v = json_object_get(vf->root, key);
    if (!json_is_integer(v)) {
        fprintf(stderr, "%s: missing integer key '%s'\n", vf->path, key);
        return 2;
    }
    *value = json_integer_value(v);
    return 0;
}
