{
  "variables": {
    "uvtls_shared_openssl%": "false",
    "uvtls_werror%": "false"
  },
  "targets": [
    {
      "target_name": "uvtls",
      "sources": [
        "src/node/addon.c",
        "src/node/instance.c",
        "src/node/context.c",
        "src/node/context_load.c",
        "src/core/ticket_keys.c",
        "src/core/session.c",
        "src/core/session_callbacks.c",
        "src/core/session_config.c",
        "src/core/session_info.c",
        "src/node/connection_hooks.c",
        "src/node/connection_object.c",
        "src/node/session_js.c",
        "src/io/transport.c",
        "src/node/connection.c",
        "src/node/connection_api.c",
        "src/node/listener.c",
        "src/node/x509.c",
        "src/node/errors.c",
        "src/node/util.c",
        "src/core/bio.c",
        "src/node/rootstore.c",
        "src/node/connection_info.c",
        "src/node/connection_keys.c",
        "src/node/offload.c",
        "src/core/session_cache.c",
        "src/core/openssl_compat.c"
      ],
      "include_dirs": ["src"],
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
