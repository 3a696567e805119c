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
}
