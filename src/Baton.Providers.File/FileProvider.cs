using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Baton.Diagnostics;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.File;

/// <summary>
/// Directories, files and templates on the local filesystem. Every path is resolved (symlinks followed) and must land
/// inside a root before anything is read or written; an escape is a validation diagnostic and a permanent error,
/// never a write. Read reports what is on disk, so the planner sees drift.
/// </summary>
internal sealed class FileProvider(PathConfinement paths, PathConfinement stack, ITemplateRenderer? templates) : IProvider
{
    /// <summary>A path that resolves outside the provider's roots (or a template source outside the stack directory).</summary>
    public const string PathEscapeCode = "BT5201";

    /// <summary>A mode that is not an octal string.</summary>
    public const string InvalidModeCode = "BT5202";

    /// <summary>A template that cannot be read or rendered.</summary>
    public const string TemplateCode = "BT5203";

    /// <summary>A resource type the file provider does not offer, or an input of the wrong kind.</summary>
    public const string InvalidInputCode = "BT5204";

    public ProviderSchema Schema => FileSchema.Provider;

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        void Error(string code, string message) => diagnostics.Add(Diagnostic.Error(code, message) with { Subject = request.Address });

        if (FileSchema.Provider.ResourceType(request.Type) is null)
        {
            Error(InvalidInputCode, $"the file provider has no resource type \"{request.Type}\"");
            return ValueTask.FromResult(new ValidateResult(diagnostics.ToImmutable()));
        }

        var inputs = Map(request.Inputs);
        if (Known(inputs, "path") is { } path)
        {
            if (path.Kind != ValueKind.String)
            {
                Error(InvalidInputCode, $"path: expected a string, got {path}");
            }
            else if (!paths.TryResolve(path.AsString(), out _, out var error))
            {
                Error(PathEscapeCode, $"path: {error}");
            }
        }

        if (Known(inputs, "mode") is { Kind: ValueKind.String } mode && !FileModes.TryParse(mode.AsString(), out _, out var modeError))
        {
            Error(InvalidModeCode, $"mode: {modeError}");
        }

        if (request.Type == FileSchema.TemplateType && Known(inputs, "source") is { } source)
        {
            if (source.Kind != ValueKind.String || !stack.TryResolve(source.AsString(), out _, out var sourceError))
            {
                Error(PathEscapeCode, $"source: {(source.Kind == ValueKind.String ? SourceEscape(source.AsString()) : $"expected a string, got {source}")}");
            }
            else
            {
                var vars = inputs.TryGetValue("vars", out var given) && given.Kind != ValueKind.Null ? given : Value.EmptyMap;
                if (vars.IsWhollyKnown)
                {
                    Render(source.AsString(), vars, out var renderError);
                    if (renderError is not null)
                    {
                        Error(TemplateCode, renderError);
                    }
                }
            }
        }

        return ValueTask.FromResult(new ValidateResult(diagnostics.ToImmutable()));
    }

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        if (FileSchema.Provider.ResourceType(request.Type) is not { } schema)
        {
            return ValueTask.FromResult(new PlanResult
            {
                PlannedAttributes = Value.EmptyMap,
                Diagnostics = [Diagnostic.Error(InvalidInputCode, $"the file provider has no resource type \"{request.Type}\"") with { Subject = request.Address }],
            });
        }

        var plan = ResourcePlanning.Plan(schema, request);
        var planned = plan.PlannedAttributes.AsMap().ToBuilder();
        var diagnostics = plan.Diagnostics;
        switch (request.Type)
        {
            case FileSchema.FileType:
                var content = planned["content"];
                planned["sha256"] = content.IsKnown ? Hash(content) : Value.Unknown(BatonType.String);
                planned["size"] = content.IsKnown ? Value.Number(Encoding.UTF8.GetByteCount(content.AsString())) : Value.Unknown(BatonType.Number);
                break;
            case FileSchema.TemplateType:
                var source = planned["source"];
                var vars = planned["vars"];
                Value? rendered = null;
                if (source.Kind == ValueKind.String && vars.IsWhollyKnown)
                {
                    rendered = Render(source.AsString(), vars, out var error);
                    if (error is not null)
                    {
                        diagnostics = diagnostics.Add(Diagnostic.Error(TemplateCode, error) with { Subject = request.Address });
                    }
                }

                planned["content"] = rendered ?? Value.Unknown(BatonType.String);
                planned["sha256"] = rendered is { IsKnown: true } ? Hash(rendered) : Value.Unknown(BatonType.String);
                break;
            default:
                break;
        }

        return ValueTask.FromResult(plan with { PlannedAttributes = Value.Map(planned), Diagnostics = diagnostics });
    }

    public ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Apply(request.Type, request.Address, request.Inputs));

    public ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Apply(request.Type, request.Address, request.Inputs));

    public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (FileSchema.Provider.ResourceType(request.Type) is null)
        {
            return ValueTask.FromResult(ReadResult.Failure(ProviderError.Permanent($"the file provider has no resource type \"{request.Type}\"")));
        }

        var known = request.Inputs ?? request.Attributes;
        var path = request.Id ?? (Known(Map(known), "path") is { Kind: ValueKind.String } given ? given.AsString() : null);
        if (path is null)
        {
            return ValueTask.FromResult(ReadResult.Gone);
        }

        if (!paths.TryResolve(path, out var resolved, out var error))
        {
            return ValueTask.FromResult(ReadResult.Failure(ProviderError.Permanent($"{request.Address}: {error}")));
        }

        try
        {
            var attributes = Observe(request.Type, Map(known), resolved);
            return ValueTask.FromResult(attributes is null ? ReadResult.Gone : ReadResult.Found(resolved, attributes));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ValueTask.FromResult(ReadResult.Failure(ProviderError.Transient($"{request.Address}: cannot read \"{resolved}\": {exception.Message}")));
        }
    }

    public ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        if (!paths.TryResolve(request.Id, out var resolved, out var error))
        {
            return ValueTask.FromResult(new DeleteResult(ProviderError.Permanent($"{request.Address}: {error}")));
        }

        try
        {
            if (request.Type == FileSchema.DirectoryType)
            {
                if (!Directory.Exists(resolved))
                {
                    return ValueTask.FromResult(DeleteResult.Success);
                }

                var force = Known(Map(request.Attributes), "force_destroy") is { Kind: ValueKind.Bool } flag && flag.AsBool();
                if (!force && Directory.EnumerateFileSystemEntries(resolved).Any())
                {
                    return ValueTask.FromResult(new DeleteResult(ProviderError.Permanent(
                        $"{request.Address}: the directory \"{resolved}\" is not empty; remove its contents or set force_destroy: true")));
                }

                Directory.Delete(resolved, recursive: force);
                return ValueTask.FromResult(DeleteResult.Success);
            }

            if (Directory.Exists(resolved))
            {
                return ValueTask.FromResult(new DeleteResult(ProviderError.Permanent($"{request.Address}: \"{resolved}\" is a directory, not a file")));
            }

            System.IO.File.Delete(resolved);
            return ValueTask.FromResult(DeleteResult.Success);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ValueTask.FromResult(new DeleteResult(ProviderError.Permanent($"{request.Address}: cannot delete \"{resolved}\": {exception.Message}")));
        }
    }

    public ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new InvokeResult { Error = ProviderError.Permanent($"the file provider has no action \"{request.Action}\"") });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ResourceResult Apply(string type, string address, Value inputValue)
    {
        if (FileSchema.Provider.ResourceType(type) is null)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"the file provider has no resource type \"{type}\""));
        }

        var inputs = Map(inputValue);
        if (Known(inputs, "path") is not { Kind: ValueKind.String } pathValue)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: path must be a string"));
        }

        if (!paths.TryResolve(pathValue.AsString(), out var resolved, out var error))
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: {error}"));
        }

        UnixFileMode? mode = null;
        if (Known(inputs, "mode") is { } modeValue)
        {
            if (modeValue.Kind != ValueKind.String)
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{address}: mode: expected a string such as \"0644\", got {modeValue}"));
            }

            if (!FileModes.TryParse(modeValue.AsString(), out var parsed, out var modeError))
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{address}: mode: {modeError}"));
            }

            mode = parsed;
        }

        try
        {
            if (type == FileSchema.DirectoryType)
            {
                if (System.IO.File.Exists(resolved))
                {
                    return ResourceResult.Failure(ProviderError.Permanent($"{address}: \"{resolved}\" is a file, not a directory"));
                }

                Directory.CreateDirectory(resolved);
                if (mode is { } directoryMode)
                {
                    FileModes.Set(resolved, directoryMode);
                }
            }
            else
            {
                string text;
                if (type == FileSchema.TemplateType)
                {
                    var source = Known(inputs, "source") is { Kind: ValueKind.String } s ? s.AsString() : string.Empty;
                    var vars = Known(inputs, "vars") ?? Value.EmptyMap;
                    var rendered = Render(source, vars, out var renderError);
                    if (rendered is null || !rendered.IsKnown)
                    {
                        return ResourceResult.Failure(ProviderError.Permanent($"{address}: {renderError ?? "the template's vars are not known"}"));
                    }

                    text = rendered.AsString();
                }
                else
                {
                    text = Known(inputs, "content") is { } content
                        ? content.Kind == ValueKind.String ? content.AsString() : content.WithoutSensitivity().ToDisplayString()
                        : string.Empty;
                }

                if (paths.Roots.Contains(resolved))
                {
                    return ResourceResult.Failure(ProviderError.Permanent($"{address}: \"{resolved}\" is a root directory, not a file"));
                }

                if (Directory.Exists(resolved))
                {
                    return ResourceResult.Failure(ProviderError.Permanent($"{address}: \"{resolved}\" is a directory, not a file"));
                }

                var fileMode = mode ?? (UnixFileMode)Convert.ToInt32("644", 8);
                var bytes = Encoding.UTF8.GetBytes(text);
                Directory.CreateDirectory(Path.GetDirectoryName(resolved)!);
                if (System.IO.File.Exists(resolved) && System.IO.File.ReadAllBytes(resolved).AsSpan().SequenceEqual(bytes))
                {
                    FileModes.Set(resolved, fileMode);
                }
                else
                {
                    AtomicFile.Write(resolved, bytes, fileMode);
                }
            }

            var attributes = Observe(type, inputs, resolved);
            return attributes is null
                ? ResourceResult.Failure(ProviderError.Transient($"{address}: \"{resolved}\" vanished right after it was written"))
                : ResourceResult.Success(resolved, attributes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: cannot write \"{resolved}\": {exception.Message}"));
        }
    }

    /// <summary>What is on disk at <paramref name="resolved"/>, as attributes; null when nothing of the type is there.</summary>
    private static Value? Observe(string type, ImmutableSortedDictionary<string, Value> inputs, string resolved)
    {
        var schema = FileSchema.Provider.ResourceType(type)!;
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in schema.Attributes.Where(a => !a.Computed))
        {
            attributes[attribute.Name] = Known(inputs, attribute.Name) ?? attribute.Default ?? Value.Null;
        }

        if (attributes["path"].Kind == ValueKind.Null)
        {
            attributes["path"] = Value.String(resolved);
        }

        attributes["id"] = Value.String(resolved);
        if (type == FileSchema.DirectoryType)
        {
            if (!Directory.Exists(resolved))
            {
                return null;
            }

            if (attributes["mode"].Kind != ValueKind.Null && FileModes.Of(resolved) is { } directoryMode)
            {
                attributes["mode"] = Value.String(directoryMode);
            }

            return Value.Map(attributes);
        }

        if (!System.IO.File.Exists(resolved))
        {
            return null;
        }

        var bytes = System.IO.File.ReadAllBytes(resolved);
        var text = Value.String(Encoding.UTF8.GetString(bytes));
        var sensitive = inputs.Values.Any(v => v.ContainsSensitive);
        attributes["content"] = sensitive ? text.AsSensitive() : text;
        attributes["sha256"] = Value.String(Convert.ToHexStringLower(SHA256.HashData(bytes))).WithSensitivity(sensitive);
        if (FileModes.Of(resolved) is { } fileMode)
        {
            attributes["mode"] = Value.String(fileMode);
        }

        if (type == FileSchema.FileType)
        {
            attributes["size"] = Value.Number(bytes.Length);
        }

        return Value.Map(attributes);
    }

    private string SourceEscape(string source) =>
        stack.TryResolve(source, out _, out var error) ? string.Empty : error.Replace("outside the root", "outside the stack directory", StringComparison.Ordinal);

    // The hash of a secret is as sensitive as the secret: a short password is found again from its SHA-256.
    private static Value Hash(Value text) => Value.String(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.AsString())))).WithSensitivity(text.ContainsSensitive);

    private static ImmutableSortedDictionary<string, Value> Map(Value? value) =>
        value is { Kind: ValueKind.Map } ? value.AsMap() : Value.EmptyMap.AsMap();

    private static Value? Known(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.Kind is not (ValueKind.Null or ValueKind.Unknown) ? value : null;

    private Value? Render(string source, Value vars, out string? error)
    {
        if (templates is null)
        {
            error = "this host renders no templates (file.template needs Baton's template renderer)";
            return null;
        }

        return templates.Render(source, vars, out error);
    }
}
