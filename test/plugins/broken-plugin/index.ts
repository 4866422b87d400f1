// A plugin whose import fails, as one with a missing dependency or a bad build would: the loader must log
// it and carry on with the other plugins.
throw new Error('sample broken plugin: cannot initialise');
