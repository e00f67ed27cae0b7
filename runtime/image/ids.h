/* runtime/image/ids.h — every "random" identifier of an image (filesystem
 * UUIDs, htree hash seeds, FAT volume ids, MBR disk signature, GPT GUIDs),
 * derived from the image key so that the same inputs give the same bytes. */
#ifndef YOE_IMAGE_IDS_H
#define YOE_IMAGE_IDS_H

#include <stddef.h>

/* ids_bytes fills out[0..n) (n <= 32) with SHA-256(key "\n" purpose). */
void ids_bytes(const char *key, const char *purpose, unsigned char *out, size_t n);
/* ids_uuid writes a version-4-shaped UUID "xxxxxxxx-xxxx-4xxx-yxxx-..." for
 * purpose into out (37 bytes). */
void ids_uuid(const char *key, const char *purpose, char out[37]);
/* ids_guid is ids_uuid in GPT's on-disk (mixed-endian) byte order. */
void ids_guid(const char *key, const char *purpose, unsigned char out[16]);
/* uuid_to_guid converts a textual UUID into GPT on-disk bytes; -1 if bad. */
int uuid_to_guid(const char *uuid, unsigned char out[16]);

#endif
