namespace Baton.Server.Tests.Support;

/// <summary>The stack files the tests serve.</summary>
internal static class TestStacks
{
    /// <summary>A file resource, a workflow with an approval gate, one with typed inputs, and one webhooks may start.</summary>
    public const string Web = """
        stack: web
        variables:
          greeting: { type: string, default: hello }
        providers:
          file:
            roots: [out]
        resources:
          config:
            type: file.file
            properties:
              path: out/app.conf
              content: "${var.greeting}\n"
        workflows:
          gated:
            steps:
              gate: { uses: approval, with: { message: "ship it?", timeout: 1h } }
          hello:
            inputs:
              replicas: { type: int, default: 1 }
            steps:
              say: { uses: exec, with: { command: [echo, "hi ${inputs.replicas}"] } }
          hook:
            webhook: true
            inputs:
              name: { type: string, default: nobody }
            steps:
              say: { uses: exec, with: { command: [echo, "hook ${inputs.name}"] } }
        """;

    /// <summary><see cref="Web"/> with a second file resource, so a second plan has something to do.</summary>
    public static string WebWithSecondFile => Web.Replace(
        "workflows:",
        """
          extra:
            type: file.file
            properties:
              path: out/extra.conf
              content: "extra\n"
        workflows:
        """,
        StringComparison.Ordinal);

    /// <summary>The secret <see cref="Vault"/> holds, to look for in every answer and page.</summary>
    public const string Secret = "Zebra-Quartz-4471-sekrit";

    /// <summary>
    /// A sensitive variable written into a file and an output, and a workflow handed a sensitive input that writes it,
    /// echoes it, and fails with it on stderr (a step that may fail).
    /// </summary>
    public const string Vault = """
        stack: vault
        variables:
          password: { type: string, default: Zebra-Quartz-4471-sekrit, sensitive: true }
        providers:
          file:
            roots: [out]
        resources:
          config:
            type: file.file
            properties:
              path: out/app.conf
              content: "password=${var.password}\n"
        outputs:
          config_path: ${config.path}
          password: ${var.password}
        workflows:
          use-secret:
            inputs:
              token: { type: string, sensitive: true }
            steps:
              write:
                uses: exec
                with:
                  command: [sh, -c, 'printf "%s %s" "$1" "$PW" > out/from-run.txt', sh, "${inputs.token}"]
                  env: { PW: "${var.password}" }
              echo:
                uses: exec
                needs: [write]
                with: { command: [sh, -c, 'echo "$1"; echo "$PW"', sh, "${inputs.token}"], env: { PW: "${var.password}" } }
              leak:
                uses: exec
                needs: [echo]
                continue_on_error: true
                retry: 1
                with: { command: [sh, -c, 'echo "failed with $1" >&2; exit 3', sh, "${inputs.token}"] }
        """;
}
