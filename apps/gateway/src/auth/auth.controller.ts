import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthResultView, Commands } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { LoginDto, RegisterDto } from './dto/register.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account and a first session' })
  @ApiResponse({ status: 201, description: 'AuthResultView {user, accessToken, expiresAt}' })
  @ApiResponse({
    status: 400,
    description: 'auth.invalid_username | auth.weak_password | common.validation_failed',
  })
  @ApiResponse({ status: 409, description: 'auth.username_taken' })
  register(@Body() dto: RegisterDto, @Headers('user-agent') userAgent?: string): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_REGISTER, { ...dto, userAgent: userAgent?.slice(0, 512) });
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a session' })
  @ApiResponse({ status: 200, description: 'AuthResultView {user, accessToken, expiresAt}' })
  @ApiResponse({
    status: 401,
    description: 'auth.invalid_credentials (same for unknown user and wrong password)',
  })
  login(@Body() dto: LoginDto, @Headers('user-agent') userAgent?: string): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_LOGIN, { ...dto, userAgent: userAgent?.slice(0, 512) });
  }
}
