{
  "variables": {
    "uvtls_shared_openssl%": "false",
    "uvtls_werror%": "false"
  },
  "targets": [
    {
      "target_name": "uvtls",
      "sources": [
        "src/addon.c",
        "src/context.c",
        "src/context_load.c",
        "src/ticket_keys.c",
        "src/session.c",
        "src/session_callbacks.c",
        "src/session_config.c",
        "src/session_info.c",
        "src/connection_hooks.c",
        "src/transport.c",
        "src/connection.c",
        "src/connection_api.c",
        "src/listener.c",
        "src/x509.c",
        "src/errors.c",
        "src/util.c",
        "src/bio.c",
        "src/rootstore.c",
        "src/connection_info.c",
        "src/connection_keys.c",
        "src/offload.c",
        "src/session_cache.c",
        "src/openssl_compat.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"],
      "conditions": [
        ["uvtls_werror=='true'", { "cflags": ["-Werror"] }],
        ["uvtls_shared_openssl=='true'", {
          "libraries": ["-lssl", "-lcrypto"]
        }]
      ],
      "configurations": {
        "Release": {
          "cflags": ["-O2"]
        },
        "Debug": {
          "cflags": ["-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address"],
          "ldflags": ["-fsanitize=address"]
        }
      }
    }
  ]
}
