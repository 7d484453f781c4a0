/* rz_clientdoc.h: STUB (being written). */
#ifndef RZ_CLIENTDOC_H
#define RZ_CLIENTDOC_H
#endif
