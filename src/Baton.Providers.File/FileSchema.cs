using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.File;

/// <summary>The schema of the file family.</summary>
internal static class FileSchema
{
    public const string DirectoryType = "file.directory";
    public const string FileType = "file.file";
    public const string TemplateType = "file.template";

    private static AttributeSchema PathAttribute { get; } =
        AttributeSchema.Input("path", BatonType.String, "The path, relative to the stack directory; it must resolve inside one of the provider's roots.") with { Required = true, ForceNew = true };

    private static AttributeSchema IdAttribute { get; } = AttributeSchema.Output("id", BatonType.String, "The canonical absolute path.");

    private static AttributeSchema FileMode { get; } =
        AttributeSchema.Input("mode", BatonType.String, "The Unix permissions, an octal string.") with { Default = Value.String("0644") };

    public static ResourceTypeSchema Directory { get; } = new()
    {
        Type = DirectoryType,
        Description = "A directory (and its missing parents).",
        Attributes =
        [
            PathAttribute,
            AttributeSchema.Input("mode", BatonType.String, "The Unix permissions, an octal string such as \"0755\"; left as created when not set."),
            AttributeSchema.Input("force_destroy", BatonType.Bool, "Whether destroying deletes the directory with its contents; otherwise only an empty directory is deleted.") with { Default = Value.False },
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema File { get; } = new()
    {
        Type = FileType,
        Description = "A file with the given content, written atomically.",
        Attributes =
        [
            PathAttribute,
            AttributeSchema.Input("content", BatonType.String, "The file's content (UTF-8).") with { Default = Value.EmptyString },
            FileMode,
            IdAttribute,
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the content."),
            AttributeSchema.Output("size", BatonType.Number, "The size in bytes."),
        ],
    };

    public static ResourceTypeSchema Template { get; } = new()
    {
        Type = TemplateType,
        Description = "A file rendered from a template with ${…} interpolations of the vars and %{ for }, %{ if } directives (see the stack language).",
        Attributes =
        [
            PathAttribute,
            AttributeSchema.Input("source", BatonType.String, "The template file, relative to the stack directory and inside it.") with { Required = true },
            AttributeSchema.Input("vars", BatonType.AnyMap, "The names the template can use.") with { Default = Value.EmptyMap },
            FileMode,
            IdAttribute,
            AttributeSchema.Output("content", BatonType.String, "The rendered content."),
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the rendered content."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "file",
        Description = "Directories, files and templates on the local filesystem, confined to declared roots.",
        Configuration =
        [
            ConfinedRoots.OutsideStackSchema,
            AttributeSchema.Input("roots", BatonType.ListOf(BatonType.String), "The directories (relative to the stack directory) that every path must resolve inside.") with { Required = true },
        ],
        ResourceTypes = [Directory, File, Template],
    };
}
