using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Spec.Declarations;
using Baton.Text;

namespace Baton.Spec;

/// <summary>
/// Loads a stack directory: <c>baton.yaml</c> plus every <c>*.baton.yaml</c> beside it, merged into one
/// <see cref="StackSpec"/>. A name defined in two files is an error naming both places. This is the only part of
/// the stack language that touches the file system.
/// </summary>
public static class StackLoader
{
    /// <summary>The main stack file's name.</summary>
    public const string MainFileName = "baton.yaml";

    /// <summary>The suffix of further stack files.</summary>
    public const string FragmentSuffix = ".baton.yaml";

    /// <summary>
    /// Loads the stack in <paramref name="directory"/>. Paths in diagnostics are <paramref name="displayDirectory"/>
    /// joined with each file's name, so they read as the user typed them.
    /// </summary>
    public static StackSpec? Load(string directory, string displayDirectory, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!Directory.Exists(directory))
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.NoStackFile,
                Message = $"the stack directory \"{displayDirectory}\" does not exist",
                Subject = displayDirectory,
            });
            return null;
        }

        var names = Directory.EnumerateFiles(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name == MainFileName || name.EndsWith(FragmentSuffix, StringComparison.Ordinal))
            .OrderBy(name => name == MainFileName ? 0 : 1)
            .ThenBy(name => name, StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Error,
                Code = DiagnosticCodes.NoStackFile,
                Message = $"no stack file in \"{displayDirectory}\"",
                Subject = displayDirectory,
                Help = $"a stack directory holds {MainFileName} and any number of *{FragmentSuffix} files",
            });
            return null;
        }

        var files = new List<SourceFile>();
        foreach (var name in names)
        {
            var display = DisplayPath(displayDirectory, name);
            if (!TextFile.TryRead(Path.Combine(directory, name), display, TextFile.MaxStackFileBytes, out var text, out var error, out var at))
            {
                diagnostics.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Error,
                    Code = DiagnosticCodes.UnreadableStackFile,
                    Message = error,
                    Subject = display,
                    Span = at is { } position ? new SourceSpan(display, position, position with { Column = position.Column + 1 }) : null,
                    Help = at is null ? "a stack file must be a regular file of UTF-8 text" : "save the file as UTF-8",
                });
                continue;
            }

            files.Add(new SourceFile(display, text));
        }

        var defaultName = Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
        return Parse(files, defaultName, diagnostics);
    }

    /// <summary>Parses and merges stack files already in memory (the first file is the main one).</summary>
    public static StackSpec Parse(IReadOnlyList<SourceFile> files, string defaultName, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var fragments = files.Select(file => StackFileReader.Read(file, diagnostics)).ToList();
        return Merge(fragments, defaultName, diagnostics);
    }

    /// <summary>Joins a display directory and a file name the way a user would type it.</summary>
    public static string DisplayPath(string displayDirectory, string fileName) =>
        string.IsNullOrEmpty(displayDirectory) || displayDirectory == "."
            ? fileName
            : displayDirectory.TrimEnd('/', Path.DirectorySeparatorChar) + "/" + fileName;

    private static StackSpec Merge(List<StackFileReader.Fragment> fragments, string defaultName, DiagnosticBag diagnostics)
    {
        NameReference? stackName = null;
        foreach (var fragment in fragments)
        {
            if (fragment.StackName is not { } name)
            {
                continue;
            }

            if (stackName is null)
            {
                stackName = name;
            }
            else if (stackName.Name != name.Name)
            {
                diagnostics.Add(Diagnostic.Error(
                        DiagnosticCodes.ConflictingStackName,
                        $"this file names the stack \"{name.Name}\" but another names it \"{stackName.Name}\"",
                        name.Span,
                        "give the stack name once, in baton.yaml")
                    .WithNote("named here first", stackName.Span));
            }
        }

        return new StackSpec
        {
            Name = stackName?.Name ?? defaultName,
            NameSpan = stackName?.Span,
            Description = fragments.Select(f => f.Description).FirstOrDefault(d => d is not null),
            Files = [.. fragments.Select(f => f.File)],
            Variables = Unique(fragments.SelectMany(f => f.Variables), v => v.Name, v => v.NameSpan, "variable", diagnostics),
            Providers = Unique(fragments.SelectMany(f => f.Providers), p => p.Name, p => p.NameSpan, "provider", diagnostics),
            HostGroups = Unique(fragments.SelectMany(f => f.HostGroups), g => g.Name, g => g.NameSpan, "host group", diagnostics),
            Resources = Unique(fragments.SelectMany(f => f.Resources), r => r.Name, r => r.NameSpan, "resource", diagnostics),
            Outputs = Unique(fragments.SelectMany(f => f.Outputs), o => o.Name, o => o.NameSpan, "output", diagnostics),
            Workflows = Unique(fragments.SelectMany(f => f.Workflows), w => w.Name, w => w.NameSpan, "workflow", diagnostics),
            Policies = Unique(fragments.SelectMany(f => f.Policies), p => p.Name, p => p.NameSpan, "policy", diagnostics),
            Reconcile = fragments.Select(f => f.Reconcile).FirstOrDefault(r => r is not null) ?? ReconcileSpec.Default,
        };
    }

    /// <summary>Keeps the first of each name; every later one is an error pointing at both places.</summary>
    private static ImmutableArray<T> Unique<T>(IEnumerable<T> items, Func<T, string> name, Func<T, SourceSpan> span, string noun, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<T>();
        foreach (var item in items)
        {
            if (seen.TryGetValue(name(item), out var first))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateName, $"the {noun} \"{name(item)}\" is defined twice", span(item))
                    .WithNote("first defined here", span(first)));
                continue;
            }

            seen.Add(name(item), item);
            result.Add(item);
        }

        return result.ToImmutable();
    }
}
