-- +goose Up
-- Partner Center evidence (issue 13 §3). An account that signs in to
-- Partner Center without MFA carries the partner_center_no_mfa marker.
ALTER TABLE assessments DROP CONSTRAINT assessments_markers_check;
ALTER TABLE assessments ADD CONSTRAINT assessments_markers_check
    CHECK (markers <@ ARRAY['privileged', 'break_glass', 'partner_center_no_mfa', 'directory_sync',
                            'legacy_auth', 'sms_voice_only', 'disabled']);

-- What the Integrations page reads, one row a tenant, replaced by each
-- sync: the service principals, the delegated permission grants and, by
-- account id, the sign-ins to Partner Center (folded as the decoder folds
-- them). Hundreds of objects at most in a partner's tenant, read whole.
CREATE TABLE integrations (
    tenant_id          text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    service_principals jsonb NOT NULL DEFAULT '[]',
    permission_grants  jsonb NOT NULL DEFAULT '[]',
    partner_sign_ins   jsonb NOT NULL DEFAULT '{}'
);

-- +goose Down
DROP TABLE integrations;
UPDATE assessments SET markers = array_remove(markers, 'partner_center_no_mfa');
ALTER TABLE assessments DROP CONSTRAINT assessments_markers_check;
ALTER TABLE assessments ADD CONSTRAINT assessments_markers_check
    CHECK (markers <@ ARRAY['privileged', 'break_glass', 'directory_sync',
                            'legacy_auth', 'sms_voice_only', 'disabled']);
