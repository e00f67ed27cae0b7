/* runtime/image/ids.c — deterministic identifiers (ids.h). */
#include "image/ids.h"

#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ids_bytes(const char *key, const char *purpose, unsigned char *out, size_t n)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t kl = strlen(key), pl = strlen(purpose);
	unsigned char *buf = malloc(kl + pl + 1);
	if (!buf)
		abort();
	memcpy(buf, key, kl);
	buf[kl] = '\n';
	memcpy(buf + kl + 1, purpose, pl);
	SHA256(buf, kl + pl + 1, md);
	free(buf);
	memcpy(out, md, n > sizeof md ? sizeof md : n);
}

static void uuid_raw(const char *key, const char *purpose, unsigned char b[16])
{
	ids_bytes(key, purpose, b, 16);
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

void ids_uuid(const char *key, const char *purpose, char out[37])
{
	unsigned char b[16];
	uuid_raw(key, purpose, b);
	snprintf(out, 37,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	         b[11], b[12], b[13], b[14], b[15]);
}

int uuid_to_guid(const char *uuid, unsigned char out[16])
{
	unsigned char b[16];
	int k = 0;
	for (const char *p = uuid; *p && k < 16;) {
		if (*p == '-') {
			p++;
			continue;
		}
		unsigned v;
		if (sscanf(p, "%2x", &v) != 1)
			return -1;
		b[k++] = (unsigned char)v;
		p += 2;
	}
	if (k != 16)
		return -1;
	/* The first three fields are little-endian on disk. */
	static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	for (int i = 0; i < 16; i++)
		out[i] = b[order[i]];
	return 0;
}

void ids_guid(const char *key, const char *purpose, unsigned char out[16])
{
	char text[37];
	ids_uuid(key, purpose, text);
	uuid_to_guid(text, out);
}
