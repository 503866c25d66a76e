namespace ErrorTelemetry.Classification.Internal;

/// <summary>Turns any exception into a catalogued error.</summary>
internal sealed class ExceptionClassifier
{
    private readonly ErrorCatalog _catalog;

    public ExceptionClassifier(ErrorCatalog catalog)
    {
        _catalog = catalog;
    }

    public ErrorCatalog Catalog => _catalog;

    public ErrorClassification Classify(Exception exception)
    {
        if (exception is CodedException coded)
        {
            return new(coded.Definition, coded, null);
        }

        if (exception is TimeoutException)
        {
            return new(BuiltInErrors.OperationTimeout, exception, null);
        }

        return new(_catalog.Unclassified, exception, null);
    }
}
