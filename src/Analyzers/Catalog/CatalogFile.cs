namespace ErrorTelemetry.Analyzers.Catalog;

/// <summary>
/// Reads the codes and their <c>ReplacedBy</c> from a JSON catalog file (an object keyed by code, as the host reads
/// it: comments and trailing commas allowed, <c>$</c> properties ignored). An analyzer cannot depend on
/// System.Text.Json, so this is a small reader that tolerates what it does not need; a file it cannot read yields
/// what was read up to the problem, since the host reports a broken file itself.
/// </summary>
internal static class CatalogFile
{
    /// <summary>Whether an additional file is a catalog file: a .json file whose name contains "catalog".</summary>
    public static bool IsCatalog(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            && name.IndexOf("catalog", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    /// <summary>Whether an additional file is configuration whose <c>ErrorTelemetry:Catalog</c> section adds codes.</summary>
    public static bool IsConfiguration(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Adds every code of the file to <paramref name="codes"/>, with its replacement or null.</summary>
    public static void Read(string text, Dictionary<string, string?> codes) =>
        Guarded(text, reader => ReadCodes(reader, codes));

    /// <summary>Adds the codes of the <c>ErrorTelemetry:Catalog</c> section of a configuration file.</summary>
    public static void ReadConfiguration(string text, Dictionary<string, string?> codes) =>
        Guarded(text, reader => Section(reader, "ErrorTelemetry", r => Section(r, "Catalog", c => ReadCodes(c, codes))));

    private static void Guarded(string text, Action<Reader> read)
    {
        try
        {
            read(new Reader(text));
        }
        catch (FormatException)
        {
            // The host stops at start with a precise message; the analyzer keeps what it read.
        }
    }

    /// <summary>Reads an object, handing the value of the property <paramref name="name"/> (case-insensitive) to <paramref name="read"/>.</summary>
    private static void Section(Reader reader, string name, Action<Reader> read)
    {
        reader.Expect('{');
        while (reader.Peek() != '}')
        {
            var property = reader.String();
            reader.Expect(':');
            if (string.Equals(property, name, StringComparison.OrdinalIgnoreCase) && reader.Peek() == '{')
            {
                read(reader);
            }
            else
            {
                reader.SkipValue();
            }

            if (!reader.TryConsume(','))
            {
                break;
            }
        }

        reader.Expect('}');
    }

    private static void ReadCodes(Reader reader, Dictionary<string, string?> codes)
    {
        reader.Expect('{');
        while (reader.Peek() != '}')
        {
            var code = reader.String();
            reader.Expect(':');
            if (code.StartsWith("$", StringComparison.Ordinal) || reader.Peek() != '{')
            {
                reader.SkipValue();
            }
            else
            {
                codes[code] = ReadEntry(reader);
            }

            if (!reader.TryConsume(','))
            {
                break;
            }
        }

        reader.Expect('}');
    }

    private static string? ReadEntry(Reader reader)
    {
        string? replacedBy = null;
        reader.Expect('{');
        while (reader.Peek() != '}')
        {
            var name = reader.String();
            reader.Expect(':');
            if (string.Equals(name, "ReplacedBy", StringComparison.OrdinalIgnoreCase) && reader.Peek() == '"')
            {
                replacedBy = reader.String();
            }
            else
            {
                reader.SkipValue();
            }

            if (!reader.TryConsume(','))
            {
                break;
            }
        }

        reader.Expect('}');
        return string.IsNullOrWhiteSpace(replacedBy) ? null : replacedBy!.Trim();
    }

    private sealed class Reader(string text)
    {
        private int _position;

        public char Peek()
        {
            SkipTrivia();
            return _position < text.Length ? text[_position] : '\0';
        }

        public void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw new FormatException();
            }
        }

        public bool TryConsume(char c)
        {
            if (Peek() != c)
            {
                return false;
            }

            _position++;
            return true;
        }

        public string String()
        {
            Expect('"');
            var builder = new System.Text.StringBuilder();
            while (_position < text.Length && text[_position] != '"')
            {
                var c = text[_position++];
                if (c == '\\' && _position < text.Length)
                {
                    var escaped = text[_position++];
                    c = escaped switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'b' => '\b',
                        'f' => '\f',
                        'u' when _position + 4 <= text.Length => (char)Convert.ToInt32(text.Substring((_position += 4) - 4, 4), 16),
                        _ => escaped,
                    };
                }

                builder.Append(c);
            }

            Expect('"');
            return builder.ToString();
        }

        public void SkipValue()
        {
            switch (Peek())
            {
                case '"':
                    String();
                    return;
                case '{':
                case '[':
                    var close = text[_position] == '{' ? '}' : ']';
                    _position++;
                    while (Peek() != close)
                    {
                        if (close == '}')
                        {
                            String();
                            Expect(':');
                        }

                        SkipValue();
                        if (!TryConsume(','))
                        {
                            break;
                        }
                    }

                    Expect(close);
                    return;
                default:
                    var start = _position;
                    while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '-' or '+' or '.'))
                    {
                        _position++;
                    }

                    if (_position == start)
                    {
                        throw new FormatException();
                    }

                    return;
            }
        }

        private void SkipTrivia()
        {
            while (_position < text.Length)
            {
                if (char.IsWhiteSpace(text[_position]))
                {
                    _position++;
                }
                else if (text[_position] == '/' && _position + 1 < text.Length && text[_position + 1] == '/')
                {
                    var end = text.IndexOf('\n', _position);
                    _position = end < 0 ? text.Length : end + 1;
                }
                else if (text[_position] == '/' && _position + 1 < text.Length && text[_position + 1] == '*')
                {
                    var end = text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                    _position = end < 0 ? text.Length : end + 2;
                }
                else
                {
                    return;
                }
            }
        }
    }
}
