/* peer_template.c - see peer_template.h. */
#include "peer_template.h"

#include <stdio.h>

bool peer_template_refused(const peer_file *pf, const char *path, bool allow, char *why,
                           size_t cap)
{
    if (!pf->is_template || allow)
        return false;
    snprintf(why, cap, "%s is a template (template: true): edit its local paths (/path/to/...) "
                       "and set template: false, or pass --allow-template to run it as it is",
             path);
    return true;
}
