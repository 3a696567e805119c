using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// The inputs of a <c>container.image</c>, checked: the reference, and how the image is made (a build from a context
/// directory, an import of a root filesystem tarball, or neither: it must exist or be pullable). Host paths resolve
/// inside the provider's roots.
/// </summary>
internal sealed record ImageSpec
{
    public string Name { get; init; } = "";

    /// <summary>The build context directory, resolved; null when the image is not built.</summary>
    public string? BuildContext { get; init; }

    /// <summary>The Dockerfile's path inside the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    public ImmutableSortedDictionary<string, string> BuildArgs { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The tarball to import, resolved; null when the image is not imported.</summary>
    public string? Import { get; init; }

    public bool KeepLocally { get; init; }

    /// <summary>Whether baton makes the image (and so removes it on destroy unless told to keep it).</summary>
    public bool Made => BuildContext is not null || Import is not null;

    public static ImageSpec Read(Value inputs, PathConfinement roots, List<string> errors, List<string>? pathErrors = null)
    {
        pathErrors ??= errors;
        var spec = new ImageSpec();
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return spec;
        }

        var map = inputs.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;
        switch (Get("name"))
        {
            case null:
                errors.Add("name is required: the image reference, such as \"shop-web:1\"");
                break;
            case { IsKnown: false }:
                break;
            case { Kind: ValueKind.String } name when IsReference(name.AsString()):
                spec = spec with { Name = name.AsString() };
                break;
            case var other:
                errors.Add($"name must be an image reference such as \"shop-web:1\" (lowercase, no spaces), got {other}");
                break;
        }

        var build = Get("build");
        var import = Get("import");
        if (build is not null && import is not null)
        {
            errors.Add("build and import cannot both be given: an image is built or imported");
        }

        if (build is { IsKnown: true })
        {
            spec = ReadBuild(spec, build, roots, errors, pathErrors);
        }

        if (import is { IsKnown: true })
        {
            if (import.Kind != ValueKind.String || import.AsString().Length == 0)
            {
                errors.Add("import must be the path of a root filesystem tarball");
            }
            else if (!roots.TryResolve(import.AsString(), out var resolved, out var error))
            {
                pathErrors.Add($"import \"{import.AsString()}\": {error}");
            }
            else
            {
                spec = spec with { Import = resolved };
            }
        }

        if (Get("keep_locally") is { IsKnown: true } keep)
        {
            if (keep.Kind == ValueKind.Bool)
            {
                spec = spec with { KeepLocally = keep.AsBool() };
            }
            else
            {
                errors.Add("keep_locally must be true or false");
            }
        }

        return spec;
    }

    private static ImageSpec ReadBuild(ImageSpec spec, Value build, PathConfinement roots, List<string> errors, List<string> pathErrors)
    {
        if (build.Kind != ValueKind.Map)
        {
            errors.Add("build must be a map such as { context: app, dockerfile: Dockerfile }");
            return spec;
        }

        var map = build.AsMap();
        foreach (var key in map.Keys.Where(k => k is not ("context" or "dockerfile" or "args")))
        {
            errors.Add($"build has no setting \"{key}\" (context, dockerfile, args)");
        }

        switch (map.TryGetValue("context", out var context) ? context : null)
        {
            case null or { Kind: ValueKind.Null }:
                errors.Add("build.context is required: the directory the image is built from");
                break;
            case { IsKnown: false }:
                break;
            case { Kind: ValueKind.String } text when roots.TryResolve(text.AsString(), out var resolved, out var error):
                spec = spec with { BuildContext = resolved };
                break;
            case { Kind: ValueKind.String } text:
                roots.TryResolve(text.AsString(), out _, out var why);
                pathErrors.Add($"build.context \"{text.AsString()}\": {why}");
                break;
            default:
                errors.Add("build.context must be a directory path");
                break;
        }

        if (map.TryGetValue("dockerfile", out var dockerfile) && dockerfile.IsKnown && dockerfile.Kind != ValueKind.Null)
        {
            if (dockerfile.Kind == ValueKind.String && dockerfile.AsString().Length > 0 && !dockerfile.AsString().StartsWith('/')
                && !dockerfile.AsString().Split('/').Contains(".."))
            {
                spec = spec with { Dockerfile = dockerfile.AsString() };
            }
            else
            {
                errors.Add("build.dockerfile must be a path inside the context, such as \"Dockerfile\"");
            }
        }

        return spec with { BuildArgs = CommandInputs.ReadEnv(map.TryGetValue("args", out var args) ? args : null, "build.args", errors) };
    }

    /// <summary>A loose check of a reference: lowercase name components, an optional tag or digest, no spaces.</summary>
    private static bool IsReference(string text) =>
        text.Length is > 0 and <= 255 && !text.Any(char.IsWhiteSpace) && !text.StartsWith('-')
        && text.Split('@')[0].Split(':')[0].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '/')
        || text.StartsWith("sha256:", StringComparison.Ordinal);

    /// <summary>
    /// The SHA-256 of what the image is made from: each file of the build context (its path, mode and content, in
    /// path order), or the tarball; empty for a reference, null when the files are not there (yet).
    /// </summary>
    public string? SourceHash()
    {
        if (Import is { } tarball)
        {
            if (!File.Exists(tarball))
            {
                return null;
            }

            using var stream = File.OpenRead(tarball);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (BuildContext is not { } context)
        {
            return "";
        }

        if (!Directory.Exists(context))
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(context, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => (Path: Path.GetRelativePath(context, f).Replace('\\', '/'), Full: f))
            .OrderBy(f => f.Path, StringComparer.Ordinal);
        foreach (var (relative, full) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0" + (OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(full)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\0"));
            using var stream = File.OpenRead(full);
            hash.AppendData(SHA256.HashData(stream));
        }

        foreach (var (name, value) in BuildArgs)
        {
            hash.AppendData(Encoding.UTF8.GetBytes("arg\0" + name + "=" + value + "\0"));
        }

        hash.AppendData(Encoding.UTF8.GetBytes("dockerfile\0" + Dockerfile));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
