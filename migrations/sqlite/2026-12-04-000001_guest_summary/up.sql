-- A guest's page reads their scans by pass: one indexed lookup per guest, not a scan of the log.
CREATE INDEX scans_pass ON scans(pass_id, at);
